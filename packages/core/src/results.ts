import type { CallToolResult } from "@modelcontextprotocol/server";

/** A successful tool result with text, and structured data when the tool declares an output schema. */
export function ok(text: string, structuredContent?: Record<string, unknown>): CallToolResult {
  const result: CallToolResult = { content: [{ type: "text", text }] };
  if (structuredContent !== undefined) result.structuredContent = structuredContent;
  return result;
}

/** A failed tool result the model can act on: say what failed, for which input, and what to try instead. */
export function fail(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

/** Where a refusal's cause rides on a result: a symbol, so it never reaches the wire. */
const REFUSAL_CAUSE = Symbol("refusal cause");

/**
 * A failed tool result that a policy decided (the sandbox, read-only SQL, the address policy, a cap), with its
 * cause — a short word like `sandbox` or `read_only` that the stats resource counts refusals by.
 */
export function refuse(message: string, cause: string): CallToolResult {
  return Object.defineProperty(fail(message), REFUSAL_CAUSE, { value: cause, enumerable: false });
}

/** The cause `refuse` gave a result, if it came from there. */
export function refusalCause(result: CallToolResult): string | undefined {
  return (result as { [REFUSAL_CAUSE]?: string })[REFUSAL_CAUSE];
}

/** The cause word of a thrown refusal (an error with a string `refusal`, like the filesystem's sandbox); else none. */
export function thrownRefusal(error: unknown): string | undefined {
  const cause = (error as { refusal?: unknown } | null)?.refusal;
  return typeof cause === "string" ? cause : undefined;
}

/** What a tool says when its client cancelled it; the audit trail quotes the result's line that says it. */
export const CANCELLED_BY_CLIENT = "cancelled by the client";

/** The note a tool adds when its client cancelled it, saying how far it got: `progress` is e.g. "after 812 entries". */
export function cancelledNote(progress: string): string {
  return `[${CANCELLED_BY_CLIENT} ${progress}; results are partial]`;
}

/** The outcome of cutting text to a byte budget. */
export interface Truncated {
  text: string;
  truncated: boolean;
  /** Bytes of the original that were left out. */
  omittedBytes: number;
}

/**
 * Cut `text` to at most `maxBytes` of UTF-8, never splitting a character, and append a notice
 * ("[truncated: N more bytes …]") that itself fits within the budget.
 */
export function truncateToBytes(text: string, maxBytes: number, hint = ""): Truncated {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes <= maxBytes) return { text, truncated: false, omittedBytes: 0 };
  const notice = (omitted: number) => `\n[truncated: ${omitted} more bytes${hint ? `; ${hint}` : ""}]`;
  // The notice length depends on the omitted count; reserve room for the widest count.
  const reserve = Buffer.byteLength(notice(bytes), "utf8");
  const keep = Math.max(0, maxBytes - reserve);
  const head = sliceUtf8(text, keep);
  const omitted = bytes - Buffer.byteLength(head, "utf8");
  const withNotice = head + notice(omitted);
  // A budget smaller than the notice itself: return as much of the notice as fits.
  return {
    text: Buffer.byteLength(withNotice, "utf8") <= maxBytes ? withNotice : sliceUtf8(withNotice, maxBytes),
    truncated: true,
    omittedBytes: omitted,
  };
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, cut on a character boundary. */
export function sliceUtf8(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, "utf8");
  if (buf.length <= maxBytes) return text;
  let end = Math.max(0, maxBytes);
  // Step back over UTF-8 continuation bytes (10xxxxxx) so no character is split.
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString("utf8");
}

/**
 * Why a handler's return value is not a tool result, or undefined when it is one: a plain JavaScript handler that
 * forgot its `return`, or returned the text itself, would otherwise reach the client as an invalid reply.
 */
export function toolResultProblem(value: unknown): string | undefined {
  const problem = (what: string) => `its handler returned ${what}, not a tool result: return ok(text) or fail(message)`;
  if (typeof value === "string") return problem("a string");
  if (value === null || typeof value !== "object") return problem(String(value));
  if (Array.isArray(value)) return problem("an array");
  const { content } = value as { content?: unknown };
  if (content !== undefined && !Array.isArray(content)) return problem("an object whose content is not an array");
  return undefined;
}

/**
 * What a value a tool's handler threw says, for its isError result: the message, then each cause that adds to it.
 * undici's `fetch failed` names the refused address only in its cause, and Node's AggregateError from a dual-stack
 * connect (`localhost`) has no message at all, only its errors'. Cut at MAX_THROWN_MESSAGE_BYTES.
 */
export function thrownMessage(error: unknown): string {
  const text = fullThrownMessage(error);
  if (Buffer.byteLength(text) <= MAX_THROWN_MESSAGE_BYTES) return text;
  return `${sliceUtf8(text, MAX_THROWN_MESSAGE_BYTES)}… (message cut at ${MAX_THROWN_MESSAGE_BYTES} bytes)`;
}

/**
 * The most of a thrown error's text a client is sent: a library's error may carry a whole response body, and a tool
 * result of megabytes fills the model's context with it.
 */
export const MAX_THROWN_MESSAGE_BYTES = 16 * 1024;

function fullThrownMessage(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const own = current.message || (current instanceof AggregateError ? innerMessages(current) : "");
    if (own && !parts.some((part) => part.includes(own))) parts.push(own);
    current = current.cause;
  }
  if (parts.length > 0) return parts.join(": ");
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? `${error.name} ${code}` : error.name;
}

/** The distinct messages of an AggregateError's errors, in order. */
function innerMessages(error: AggregateError): string {
  const messages = (error.errors as unknown[]).map((inner) => (inner instanceof Error ? inner.message : String(inner)));
  return [...new Set(messages.filter(Boolean))].join("; ");
}

/** The message of an unknown thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
