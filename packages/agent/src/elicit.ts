import type { ElicitRequestFormParams, ElicitResult } from "@modelcontextprotocol/client";
import { oneLine } from "./one-line.js";
import { type StringRules, stringProblem } from "./string-format.js";

/** One field of a form, as a server's requestedSchema describes it: a primitive, or an array of choices. */
export interface FieldSchema extends StringRules {
  type?: string;
  title?: string;
  description?: string;
  enum?: unknown[];
  /** Titles of `enum`'s values, in order (the 2025-06-18 way to title them). */
  enumNames?: unknown[];
  oneOf?: { const?: unknown; title?: string }[];
  /** A multi-select's choices (type "array"): `{enum}` or `{anyOf: [{const, title}]}`. */
  items?: {
    enum?: unknown[];
    anyOf?: { const?: unknown; title?: string }[];
    oneOf?: { const?: unknown; title?: string }[];
  };
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

type Value = string | number | boolean | string[];

/** One choice: the value sent back, and the title shown beside it when the server gave one. */
interface Option {
  value: string;
  title?: string | undefined;
}

const titled = (list: { const?: unknown; title?: string }[]): Option[] =>
  list.map((o) => ({ value: String(o.const), title: typeof o.title === "string" ? o.title : undefined }));

/** The values a field takes, when it is a choice (enum, enumNames, oneOf consts), or each item of a multi-select. */
function choices(schema: FieldSchema): Option[] | undefined {
  const from = schema.type === "array" ? (schema.items ?? {}) : schema;
  if (Array.isArray(from.enum)) {
    const names = schema.type === "array" ? undefined : schema.enumNames;
    return from.enum.map((v, i) => ({
      value: String(v),
      title: typeof names?.[i] === "string" ? names[i] : undefined,
    }));
  }
  const list = "anyOf" in from && Array.isArray(from.anyOf) ? from.anyOf : from.oneOf;
  return Array.isArray(list) ? titled(list) : undefined;
}

/** A choice as the question shows it: its value, and its title when it has another. */
function shown(o: Option): string {
  // The value is the server's too, so it passes through oneLine (no escape sequence reaches the terminal).
  const value = oneLine(o.value, 200);
  return o.title && o.title !== o.value ? `${value} (${oneLine(o.title, 40)})` : value;
}

/** The choice a typed word names: its value, or its title (case aside), which is what the user was shown. */
function pick(options: Option[], word: string): string | undefined {
  const lower = word.toLowerCase();
  return (options.find((o) => o.value === word) ?? options.find((o) => o.title?.toLowerCase() === lower))?.value;
}

/** The question for one field: its title, description, choices, default, and whether it may be left empty. */
export function fieldQuestion(name: string, schema: FieldSchema, required: boolean): string {
  const options = choices(schema);
  const many = schema.type === "array";
  const kind = options
    ? `${many ? "one or more of " : ""}${options.map(shown).join(many ? ", " : "/")}${many ? ", comma-separated" : ""}`
    : schema.type === "boolean"
      ? "y/n"
      : oneLine(schema.format ?? schema.type ?? "string", 40);
  const fallback = oneLine(Array.isArray(schema.default) ? schema.default.join(", ") : String(schema.default), 200);
  const hint = [kind, schema.default !== undefined ? `default ${fallback}` : required ? "" : "optional"]
    .filter(Boolean)
    .join(", ");
  const description = schema.description ? ` — ${oneLine(schema.description, 200)}` : "";
  return `  ${oneLine(schema.title ?? name, 80)}${description} [${hint}]: `;
}

/** A multi-select answer ("a, b"): each a choice, as many as the field allows. */
function parseMany(
  schema: FieldSchema,
  options: Option[] | undefined,
  text: string,
): { value: string[] } | { error: string } {
  const words = text
    .split(",")
    .map((w) => w.trim())
    .filter(Boolean);
  const values: string[] = [];
  for (const word of words) {
    const value = options ? pick(options, word) : word;
    if (value === undefined) return { error: `choose from ${options?.map(shown).join(", ")}, comma-separated` };
    if (!values.includes(value)) values.push(value);
  }
  if (schema.minItems !== undefined && values.length < schema.minItems)
    return { error: `choose at least ${schema.minItems}` };
  if (schema.maxItems !== undefined && values.length > schema.maxItems)
    return { error: `choose at most ${schema.maxItems}` };
  return { value: values };
}

/**
 * What a typed answer means for a field: its value, nothing (empty: the default, or left out), or why it is not
 * accepted. Pure, so the rules are table-tested.
 */
export function parseField(
  schema: FieldSchema,
  raw: string,
  required: boolean,
): { value: Value } | { skip: true } | { error: string } {
  const text = raw.trim();
  if (text === "") {
    if (schema.default !== undefined) return { value: schema.default as Value };
    return required ? { error: "an answer is required" } : { skip: true };
  }
  const options = choices(schema);
  if (schema.type === "array") return parseMany(schema, options, text);
  if (options) {
    const value = pick(options, text);
    return value !== undefined ? { value } : { error: `choose one of ${options.map(shown).join(", ")}` };
  }
  switch (schema.type) {
    case "boolean":
      if (/^(y|yes|true)$/i.test(text)) return { value: true };
      if (/^(n|no|false)$/i.test(text)) return { value: false };
      return { error: "answer y or n" };
    case "integer":
    case "number": {
      const n = Number(text);
      if (!/^-?\d+(\.\d+)?$/.test(text) || (schema.type === "integer" && !Number.isInteger(n)))
        return { error: `a${schema.type === "integer" ? "n integer" : " number"} is needed, e.g. 42` };
      if (schema.minimum !== undefined && n < schema.minimum) return { error: `at least ${schema.minimum}` };
      if (schema.maximum !== undefined && n > schema.maximum) return { error: `at most ${schema.maximum}` };
      return { value: n };
    }
    default: {
      const problem = stringProblem(schema, text);
      return problem ? { error: problem } : { value: text };
    }
  }
}

/** The first answer to a server's question: the protocol's three. */
export type Choice = "accept" | "decline" | "cancel";

const CHOICES: Record<string, Choice> = {
  "": "accept",
  a: "accept",
  answer: "accept",
  y: "accept",
  yes: "accept",
  d: "decline",
  decline: "decline",
  n: "decline",
  no: "decline",
  c: "cancel",
  cancel: "cancel",
};

/** The choice a typed line makes, or undefined for anything else (asked again: a guess could answer for the user). */
export function parseChoice(raw: string): Choice | undefined {
  return CHOICES[raw.trim().toLowerCase()];
}

/** Asks one line on the terminal; undefined at end of input (Ctrl-D); rejects if `until` aborts first. */
export type AskLine = (question: string, until?: AbortSignal) => Promise<string | undefined>;

const TRIES = 3;

/**
 * A server's form asked on the terminal, field by field. First the user chooses to answer, decline or cancel (the
 * protocol's three answers); end of input, or that choice or a field answered wrong three times, cancels.
 */
export async function askForm(
  server: string,
  params: ElicitRequestFormParams,
  ask: AskLine,
  say: (line: string) => void,
): Promise<ElicitResult> {
  say(`${server} asks: ${oneLine(params.message, 1000)}`);
  let choice: Choice | undefined;
  for (let i = 0; i < TRIES && !choice; i++) {
    const raw = await ask("answer (a), decline (d) or cancel (c)? [a] ");
    if (raw === undefined) return { action: "cancel" };
    choice = parseChoice(raw);
    if (!choice) say("  type a or Enter to answer, d to decline, or c to cancel");
  }
  if (choice !== "accept") return { action: choice ?? "cancel" };
  const schema = params.requestedSchema as { properties?: Record<string, FieldSchema>; required?: string[] };
  const content: Record<string, Value> = {};
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const required = schema.required?.includes(name) === true;
    let answered = false;
    for (let i = 0; i < TRIES && !answered; i++) {
      const raw = await ask(fieldQuestion(name, field, required));
      if (raw === undefined) return { action: "cancel" };
      const parsed = parseField(field, raw, required);
      if ("error" in parsed) say(`  ${parsed.error}`);
      else {
        if ("value" in parsed) content[name] = parsed.value;
        answered = true;
      }
    }
    if (!answered) return { action: "cancel" };
  }
  return { action: "accept", content };
}

/**
 * The answers a form was accepted with, as the notice after it shows them ("Go ahead: no"), so an accepted form whose
 * answer was no does not read as a yes: each field by its title, in the form's order.
 */
export function answersShown(params: ElicitRequestFormParams, content: ElicitResult["content"]): string {
  const properties = (params.requestedSchema as { properties?: Record<string, FieldSchema> }).properties ?? {};
  return Object.entries(content ?? {})
    .map(([name, value]) => {
      const shown =
        typeof value === "boolean" ? (value ? "yes" : "no") : Array.isArray(value) ? value.join(", ") : value;
      // A title asked as a question ("Go ahead?") reads as a label without its mark: "Go ahead: no".
      const label = oneLine(properties[name]?.title ?? name, 40).replace(/\s*[?:]$/, "");
      return `${label}: ${oneLine(String(shown), 80)}`;
    })
    .join("; ");
}
