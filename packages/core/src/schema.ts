import type { StandardSchemaWithJSON } from "@modelcontextprotocol/server";
import { z } from "zod";
import { kindOf } from "./cli-options.js";
import { closest } from "./nearest-name.js";
import { portable } from "./portable-schema.js";
import { illFormedMessage, illFormedText } from "./well-formed.js";

type Json = Record<string, unknown>;

/** Compiled shapes, by shape and direction: a tool whose shape is a module constant is compiled once per process. */
const compiledShapes = new WeakMap<z.ZodRawShape, Partial<Record<"input" | "output", StandardSchemaWithJSON>>>();

/**
 * A tool's zod shape as the Standard Schema the SDK registers, converted to JSON Schema once and reused: the SDK
 * converts on every `tools/list`, and v2 builds a fresh server per HTTP request, so without this every listing
 * would re-run zod's converter. Validation stays zod's own (its messages, defaults and refinements).
 * The JSON is made portable: no `$schema` key (52 bytes per tool in every conversation), and a union of types
 * spelled `anyOf` rather than a `type` array, which some clients reject. The result depends only on the shape, so
 * it is memoised by the shape object: a shape declared once, at module level, is converted once — in a startup
 * snapshot, by its warm-up, for every process started from it.
 */
export function compileSchema(shape: z.ZodRawShape, io: "input" | "output"): StandardSchemaWithJSON {
  const known = compiledShapes.get(shape);
  const memo = known?.[io];
  if (memo) return memo;
  const compiled = compile(shape, io);
  compiledShapes.set(shape, { ...known, [io]: compiled });
  return compiled;
}

function compile(shape: z.ZodRawShape, io: "input" | "output"): StandardSchemaWithJSON {
  const schema = z.object(shape);
  let json: Json | undefined;
  const convert = (): Json => {
    json ??= portable(z.toJSONSchema(schema, { target: "draft-2020-12", io }) as Json);
    return json;
  };
  return {
    "~standard": {
      version: 1,
      vendor: "mcp-toolkit",
      validate: (value) => schema["~standard"].validate(value),
      jsonSchema: { input: convert, output: convert },
    },
  } as StandardSchemaWithJSON;
}

const deferred = new WeakMap<StandardSchemaWithJSON, StandardSchemaWithJSON>();

/**
 * The form of a compiled input schema the SDK registers: the same JSON Schema, but validation that accepts anything,
 * because the tool wrapper validates with `validateArguments` — so a call with bad arguments still passes through
 * the wrapper, which answers it in the SDK's words and writes its audit line.
 */
export function deferValidation(schema: StandardSchemaWithJSON): StandardSchemaWithJSON {
  let lenient = deferred.get(schema);
  if (!lenient) {
    lenient = {
      "~standard": { ...schema["~standard"], validate: (value: unknown) => ({ value }) },
    } as StandardSchemaWithJSON;
    deferred.set(schema, lenient);
  }
  return lenient;
}

/**
 * Arguments checked against a tool's input schema (whose argument names are `known`): the parsed value, or a message
 * for the model in the SDK's words. An argument the tool does not take is refused, with the nearest one it does: left
 * to zod it would be dropped, and a misspelt `content` would quietly turn a search into a listing.
 */
export async function validateArguments(
  schema: StandardSchemaWithJSON,
  args: unknown,
  toolName: string,
  known: readonly string[],
  siblings: () => readonly ToolArguments[] = () => [],
): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  const prefix = `Input validation error: Invalid arguments for tool ${toolName}`;
  const unknown = unknownArgument(args, known);
  if (unknown) {
    const extra = Object.keys(args as object).filter((key) => !known.includes(key));
    const other = takenElsewhere(extra, toolName, siblings());
    return { ok: false, message: `${prefix}: ${unknown}${other ? `; ${other}` : ""}` };
  }
  const result = await schema["~standard"].validate(args ?? {});
  if (!result.issues?.length) {
    const { value } = result as { value: unknown };
    const broken = illFormedText(value);
    return broken ? { ok: false, message: `${prefix}: ${illFormedMessage(broken)}` } : { ok: true, value };
  }
  // A key a nested object does not take is said first, as an unknown argument is: the "missing" ones may be it misnamed.
  const unknownFirst = [...result.issues].sort((a, b) => Number(isUnknownKeys(b)) - Number(isUnknownKeys(a)));
  const issues = unknownFirst.map((issue) => {
    const where = (issue.path ?? []).map((p) => String(typeof p === "object" ? p.key : p)).join(".");
    // zod says "Invalid input: expected string, received undefined" for a missing argument.
    const message = /received undefined$/.test(issue.message) ? "required, and missing" : issue.message;
    return where ? `${where}: ${message}` : message;
  });
  return { ok: false, message: `${prefix}: ${issues.join("; ")}` };
}

function isUnknownKeys(issue: object): boolean {
  return "code" in issue && issue.code === "unrecognized_keys";
}

/** A tool's name and the argument names it takes. */
export interface ToolArguments {
  name: string;
  argumentNames: readonly string[];
}

/**
 * "http_request takes max_length, raw": the first other tool of the same server that takes every argument this one
 * refused, so a model that picked the wrong tool is told which one it meant. Undefined when none does.
 */
export function takenElsewhere(
  extra: readonly string[],
  toolName: string,
  siblings: readonly ToolArguments[],
): string | undefined {
  const other = siblings.find(
    (tool) => tool.name !== toolName && extra.every((name) => tool.argumentNames.includes(name)),
  );
  return other ? `${other.name} takes ${extra.join(", ")}` : undefined;
}

/** Why `args` hold a name that is not in `known` ("no argument grep — did you mean content? …"), or undefined. */
export function unknownArgument(args: unknown, known: readonly string[]): string | undefined {
  if (typeof args !== "object" || args === null || Array.isArray(args)) return undefined;
  const extra = Object.keys(args).filter((key) => !known.includes(key));
  return extra.length === 0 ? undefined : notTaken(extra, known, "argument");
}

/** "no <noun>s named a, b (did you mean c?); it takes …": names given that are not among `known`, nearest named. */
export function notTaken(extra: readonly string[], known: readonly string[], noun: string): string {
  const names = extra.map((key) => {
    const near = closest(key, known);
    return near ? `${key} (did you mean ${near}?)` : key;
  });
  const takes = known.length > 0 ? `it takes ${known.join(", ")}` : "it takes none";
  return `no ${noun}${extra.length > 1 ? "s" : ""} named ${names.join(", ")}; ${takes}`;
}

/**
 * A zod object for a field of a tool's arguments (an item of `edits[]`) that refuses a key it does not take, as the
 * top-level arguments are refused, naming the nearest key it does: a plain z.object would drop the key unsaid.
 */
export function strictArgumentObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === "unrecognized_keys") return notTaken(issue.keys, known, "field");
      // "expected object, received string" does not say which object: name its fields.
      // A missing one is said as any missing argument is (validateArguments: "required, and missing").
      if (issue.code === "invalid_type" && issue.expected === "object" && issue.input !== undefined) {
        return `expected an object {${known.map((key) => `"${key}": …`).join(", ")}}, received ${kindOf(issue.input)}`;
      }
      return undefined;
    },
  });
}
