import { printableJson } from "./terminal-text.js";

/** What the annotations say about a tool, as far as permissions go. */
export interface Annotated {
  annotations?: { readOnlyHint?: boolean | undefined } | undefined;
}

/** Permission mode: run everything (default), read-only tools only, or ask before writes. */
export type PermissionMode = "all" | "read-only" | "ask";

/** Only readOnlyHint: true counts as read-only; a missing hint means "may write" (the MCP default). */
export function isReadOnly(tool: Annotated): boolean {
  return tool.annotations?.readOnlyHint === true;
}

/** Whether the model is offered this tool at all in a mode. */
export function isOffered(tool: Annotated, mode: PermissionMode): boolean {
  return mode !== "read-only" || isReadOnly(tool);
}

/** Whether a call needs a y/n from the user first. */
export function needsConsent(tool: Annotated, mode: PermissionMode): boolean {
  return mode === "ask" && !isReadOnly(tool);
}

/** Parse a y/n answer; anything but yes is a no. */
export function isYes(answer: string): boolean {
  return /^\s*y(es)?\s*$/i.test(answer);
}

/**
 * The call as the --ask question shows it: arguments the tool's schema declares come first, in its order, and every value is
 * clipped, so padding (extra arguments, long strings) cannot push what matters, like a path or URL, out of view.
 */
export function consentQuestion(
  name: string,
  input: Record<string, unknown>,
  schema: { properties?: unknown } | undefined,
  clip = 200,
): string {
  const props = schema?.properties;
  const declared = props && typeof props === "object" ? Object.keys(props) : [];
  const rank = (key: string) => (declared.includes(key) ? declared.indexOf(key) : declared.length);
  const keys = Object.keys(input).sort((a, b) => rank(a) - rank(b));
  // printableJson: a control character in an argument shows as its \u escape, exactly what the tool would get.
  return `${name} ${printableJson(Object.fromEntries(keys.map((k) => [k, clipValue(input[k], clip)])))}`;
}

function clipValue(value: unknown, clip: number): unknown {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? "");
  return text.length <= clip ? value : `${text.slice(0, clip - 1)}… (${text.length} chars)`;
}
