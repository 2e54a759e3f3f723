import { longWaitText, MAX_ASKED_WAIT_MS, overlongAsk } from "./api-retry.js";
import { describeFailure } from "./describe-failure.js";
import { oneLine, pageText } from "./one-line.js";
import { redactText } from "./redact.js";
import { NoAnswer } from "./stream-idle.js";

const NOT_AN_API = "check that ANTHROPIC_BASE_URL is a Messages API endpoint";

/**
 * Set on a stream's error (model-request.ts), with the input as it arrived, when the reply so far ends in a tool call
 * whose input does not parse: the SDK parses it at the block's end, and its SyntaxError reads like an event that is
 * not JSON.
 */
export const TOOL_INPUT = Symbol("mcp-agent.toolInput");
/** The SDK's words for a stream that ended cleanly after message_start but before message_stop. */
const ENDED_EARLY = "stream ended without producing a Message with role=assistant";

/** One line for an API or connection failure (the stack only with --verbose). */
export function errorLine(error: unknown, verbose: boolean): string {
  if (verbose && error instanceof Error && error.stack) return error.stack;
  const e = error as { status?: number; message?: string; error?: { error?: { type?: string; message?: string } } };
  const detail = e?.error?.error;
  if (typeof e?.status === "number") {
    const what = detail?.message ?? pageText(e.message ?? "", 200);
    if (e.status === 401)
      return `API rejected the credentials (401): ${what} — check ANTHROPIC_API_KEY / ANTHROPIC_AUTH_TOKEN`;
    // A 404 with no API error in it is no Messages API at all: most often a base URL that ends in /v1.
    if (e.status === 404 && !detail)
      return `API error 404 (no Messages API error in the reply): ${NOT_AN_API}, its origin without /v1 (https://api.anthropic.com)`;
    if (!detail) return notFromApiLine(e.status, e.message ?? "");
    // An unknown model (or one this key may not use) is only "model: <id>", which says not where the id came from.
    if (e.status === 404 && detail.type === "not_found_error" && what.startsWith("model: "))
      return `API error 404 not_found_error: ${what} — no such model for this key; check --model / ANTHROPIC_MODEL`;
    const asked = overlongAskText(error);
    return `API error ${e.status}${detail.type ? ` ${detail.type}` : ""}: ${what}${asked || passingText(e.status)}`;
  }
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (cause instanceof NoAnswer) return `${cause.message}; check ANTHROPIC_BASE_URL and the network, or try again`;
  if (error instanceof Error && error.name === "APIConnectionError") {
    // The SDK's message is only "Connection error."; what failed (refused, no such host, TLS) is in its causes.
    return `cannot reach the Messages API (${oneLine(describeFailure(error), 300)}); check ANTHROPIC_BASE_URL and the network`;
  }
  // JSON.parse of a non-streamed reply (--json) that is cut short or not JSON at all.
  if (error instanceof SyntaxError) {
    return `the Messages API sent a reply that is not JSON (${oneLine(error.message, 120)}); ${NOT_AN_API}`;
  }
  return streamErrorLine(error, detail) ?? (error instanceof Error ? error.message : String(error));
}

/**
 * An HTTP error with no Messages API error in it: a page from a proxy, gateway or firewall between the agent and the
 * API (nginx's 502, a corporate proxy's 403). Its text on one line, where the SDK's message is the raw page.
 */
function notFromApiLine(status: number, sdkMessage: string): string {
  // The SDK's message is the status, then the body, or "status code (no body)".
  const body = sdkMessage.replace(new RegExp(`^${status} `), "").replace(/^status code \(no body\)$/, "");
  const text = pageText(body, 200);
  return `API error ${status} (no Messages API error in the reply: a proxy or gateway on the way may have answered)${text ? `: ${text}` : ""}; ${status >= 500 ? "try again, and if it goes on, " : ""}${NOT_AN_API} and that the network lets it through`;
}

/**
 * For a failure of the API's that passes (rate limited, overloaded, a server error), which the SDK has already asked
 * again about as often as --max-retries lets it: that the task was not at fault, and what to do.
 */
function passingText(status: number): string {
  if (status === 429) return " (rate limited, the task not at fault): try again later, or raise --max-retries";
  if (status === 408 || status === 409 || status >= 500)
    return " (the API's own trouble, the task not at fault): try again in a moment, or raise --max-retries";
  return "";
}

/** For an error whose answer asked for a wait longer than the agent takes: how long, and when to try again. */
function overlongAskText(error: unknown): string {
  const headers = (error as { headers?: unknown }).headers;
  const now = Date.now();
  const asked =
    headers instanceof Headers ? overlongAsk(Number((error as { status: number }).status), headers, now) : undefined;
  if (asked === undefined) return "";
  const at = new Date(now + asked).toISOString().slice(0, 16).replace("T", " ");
  return ` (it asks to wait ${longWaitText(asked)}, longer than the agent waits, ${MAX_ASKED_WAIT_MS / 1000} s: try again after ${at} UTC)`;
}

/**
 * Whether the API refused the request for what it held (400, or 413 for its size), so that the same conversation with
 * more after it would be refused again; a 429, 5xx or lost connection says nothing about the request.
 */
export function refusedAsSent(error: unknown): boolean {
  const status = (error as { status?: unknown } | undefined)?.status;
  return status === 400 || status === 413;
}

/**
 * Whether a reply that broke off after it started is worth asking again, as the SDK retries the same failures
 * before a reply starts: the API overloaded or failing mid-reply (an error event), the connection dropped, or the
 * stream ended cleanly before message_stop.
 */
export function brokeOffRetryably(error: unknown): boolean {
  const e = error as { status?: unknown; error?: { error?: { type?: string } }; name?: string; cause?: unknown };
  const type = e?.error?.error?.type;
  if (e?.status === undefined && (type === "overloaded_error" || type === "api_error")) return true;
  if (e?.name === "AnthropicError" && (error as Error).message === ENDED_EARLY) return true;
  return e?.name === "AnthropicError" && e.cause instanceof Error && !(e.cause instanceof SyntaxError);
}

/**
 * A 200 reply that is no message (a proxy's page comes back from the SDK as a string): an error that says so,
 * rather than a TypeError from reading its content.
 */
export function checkMessage<T>(reply: T): T {
  if (typeof reply === "object" && reply !== null && Array.isArray((reply as { content?: unknown }).content)) {
    return reply;
  }
  const seen = typeof reply === "string" ? JSON.stringify(oneLine(reply, 60)) : typeof reply;
  throw new Error(`the Messages API answered with something that is not a message (${seen}); ${NOT_AN_API}`);
}

/**
 * A reply that went wrong after it started: an error event in the stream (the API overloaded mid-reply), an event
 * that is not JSON, a connection dropped mid-reply, a stream with no events. The SDK reports the last three with
 * the bare message of what broke ("terminated"), which reads like the agent itself was stopped.
 */
function streamErrorLine(error: unknown, detail: { type?: string; message?: string } | undefined): string | undefined {
  if (detail?.type) {
    const later = detail.type === "overloaded_error" ? "; try again in a moment" : "";
    return `the Messages API broke off its reply: ${detail.type}: ${oneLine(detail.message ?? "", 200)}${later}`;
  }
  if (!(error instanceof Error) || error.name !== "AnthropicError") return undefined;
  const cause = (error as { cause?: unknown }).cause;
  const toolInput = (error as { [TOOL_INPUT]?: string })[TOOL_INPUT];
  if (cause instanceof SyntaxError && toolInput !== undefined) {
    return `the Messages API sent a tool call whose input is not JSON (${oneLine(redactText(toolInput), 80)}); try again, and if it goes on, ${NOT_AN_API}`;
  }
  if (cause instanceof SyntaxError) {
    return `the Messages API sent a stream event that is not JSON (${oneLine(cause.message, 120)}); ${NOT_AN_API}`;
  }
  if (cause instanceof Error) {
    const why = cause.cause instanceof Error ? `${cause.message}: ${cause.cause.message}` : cause.message;
    return `the connection to the Messages API broke off in the middle of the reply (${oneLine(why, 120)}); try again`;
  }
  // A proxy or gateway that closes the response cleanly in the middle of a reply.
  if (error.message === ENDED_EARLY) {
    return "the Messages API ended its reply before it was complete (no message_stop event); try again";
  }
  if (/without sending any chunks/.test(error.message)) {
    return `the Messages API answered with no stream events (an empty reply, or not an event stream); ${NOT_AN_API}`;
  }
  return undefined;
}
