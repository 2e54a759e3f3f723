// A remote server's 429 (Too Many Requests) or 503 (Service Unavailable) may say how long to wait in Retry-After. The
// SDK's HTTP client transports keep only an error answer's status and body, so the wait would be lost: the agent's
// fetch reads it first and fails the request with an error that carries it, shaped as the SDK's (`data`: status,
// statusText, text). The call is not sent again by the agent: a tool call is a POST whose replay may not be safe,
// so the model is told the wait and decides. The legacy HTTP+SSE transport keeps an error answer's status only in its
// message's words, so there every error answer is read here, and a 429 is told as a limit, a 5xx as a server that
// could not take the call (counted by its breaker), as over Streamable HTTP.
import { askedWaitFrom, longWaitText, type WaitHeader } from "./api-retry.js";

/** What the SDK keeps of an HTTP error answer to a POST: its status and body. */
export class ErrorAnswer extends Error {
  override name = "ErrorAnswer";
  constructor(readonly data: { status: number; statusText: string; text: string | null }) {
    // The SDK's own words for an error answer to a POST.
    super(`Error POSTing to endpoint: ${data.text ?? data.statusText}`);
  }
}

/** An error answer, and the wait the server asked for. */
export class AskedToWait extends ErrorAnswer {
  override name = "AskedToWait";
  constructor(
    data: ErrorAnswer["data"],
    readonly waitMs: number,
    /** The header the wait was asked in. */
    readonly header: WaitHeader,
  ) {
    super(data);
  }
}

/** The statuses whose Retry-After is a wait before asking again (RFC 9110 §10.2.3). */
const WAIT_STATUSES = new Set([429, 503]);

/**
 * The response as it came; or, for a 429 or 503 to a POST that says how long to wait (`Retry-After` in seconds or
 * as a date, `retry-after-ms`), AskedToWait with its body read. Over Streamable HTTP a 429 to the version probe
 * (`server/discover`) is left to the SDK, which then falls back to the 2025 handshake (whose own 429 is then read
 * here). Over the legacy SSE transport (`legacySse`), which takes any error answer for a failed connection, the
 * probe's wait is kept too, and any other error answer (4xx, 5xx) is ErrorAnswer, but a 401: the SDK's, to log in.
 */
export async function withAskedWait(response: Response, init: RequestInit | undefined, now: number, legacySse = false) {
  if (init?.method !== "POST") return response;
  const asked = WAIT_STATUSES.has(response.status) ? askedWaitFrom(response.headers, now) : undefined;
  if (asked === undefined && !(legacySse && response.status >= 400 && response.status !== 401)) return response;
  if (!legacySse && response.status === 429 && postedMethod(init) === "server/discover") return response;
  const data = {
    status: response.status,
    statusText: response.statusText,
    text: await response.text().catch(() => null),
  };
  throw asked ? new AskedToWait(data, asked.ms, asked.header) : new ErrorAnswer(data);
}

/**
 * The wait an error carries, if it is AskedToWait, as words naming the header it was asked in: "; it asked to wait
 * 7 s (Retry-After)", "; it asked to wait 2 s (retry-after-ms: 1500)".
 */
export function askedWaitText(error: unknown): string {
  if (!(error instanceof AskedToWait)) return "";
  const header = error.header === "retry-after-ms" ? `retry-after-ms: ${error.waitMs}` : error.header;
  return `; it asked to wait ${longWaitText(error.waitMs)} (${header})`;
}

/**
 * Is this request one of the agent's MCP messages to the server, whose error answer is read here (not an OAuth
 * request to an authorization server, which is the OAuth client's to read)? Streamable HTTP posts them to the
 * server's URL; the legacy HTTP+SSE transport to the endpoint its event stream named, on the server's origin (the SDK
 * refuses another), so there a JSON-RPC body tells them from an OAuth request to that origin.
 */
export function isMessagePost(target: string, init: RequestInit | undefined, url: URL, legacySse: boolean): boolean {
  if (target === url.href) return true;
  if (!legacySse || init?.method !== "POST" || new URL(target, url).origin !== url.origin) return false;
  return posted(init)?.jsonrpc === "2.0";
}

/** The JSON-RPC method a POST's body sends, if one. */
function postedMethod(init: RequestInit): string | undefined {
  if (typeof init.body !== "string" || !init.body.includes('"method"')) return undefined;
  const method = posted(init)?.method;
  return typeof method === "string" ? method : undefined;
}

/** A POST's JSON object body, if it has one. */
function posted(init: RequestInit): { jsonrpc?: unknown; method?: unknown } | undefined {
  if (typeof init.body !== "string") return undefined;
  try {
    const body: unknown = JSON.parse(init.body);
    return typeof body === "object" && body !== null ? body : undefined;
  } catch {
    return undefined;
  }
}
