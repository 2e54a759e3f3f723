// A remote server's 429 (Too Many Requests) or 503 (Service Unavailable) may say how long to wait in Retry-After. The
// SDK's HTTP client transports keep only an error answer's status and body, so the wait would be lost: the agent's
// fetch reads it first and fails the request with an error that carries it, shaped as the SDK's (`data`: status,
// statusText, text). The call is not sent again by the agent: a tool call is a POST whose replay may not be safe,
// so the model is told the wait and decides.
import { askedWaitFrom, longWaitText, type WaitHeader } from "./api-retry.js";

/** What the SDK keeps of an HTTP error answer, and the wait the server asked for. */
export class AskedToWait extends Error {
  override name = "AskedToWait";
  constructor(
    readonly data: { status: number; statusText: string; text: string | null },
    readonly waitMs: number,
    /** The header the wait was asked in. */
    readonly header: WaitHeader,
  ) {
    // The SDK's own words for an error answer to a POST.
    super(`Error POSTing to endpoint: ${data.text ?? data.statusText}`);
  }
}

/** The statuses whose Retry-After is a wait before asking again (RFC 9110 §10.2.3). */
const WAIT_STATUSES = new Set([429, 503]);

/**
 * The response as it came; or, for a 429 or 503 to a POST that says how long to wait (`Retry-After` in seconds or
 * as a date, `retry-after-ms`), AskedToWait with its body read. A 429 to the version probe (`server/discover`) is
 * left to the SDK, which then falls back to the 2025 handshake (whose own 429 is then read here).
 */
export async function withAskedWait(response: Response, init: RequestInit | undefined, now: number) {
  if (!WAIT_STATUSES.has(response.status) || init?.method !== "POST") return response;
  const asked = askedWaitFrom(response.headers, now);
  if (asked === undefined || (response.status === 429 && postedMethod(init) === "server/discover")) return response;
  const text = await response.text().catch(() => null);
  throw new AskedToWait({ status: response.status, statusText: response.statusText, text }, asked.ms, asked.header);
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

/** The JSON-RPC method a POST's body sends, if one. */
function postedMethod(init: RequestInit): string | undefined {
  if (typeof init.body !== "string" || !init.body.includes('"method"')) return undefined;
  try {
    const method = (JSON.parse(init.body) as { method?: unknown }).method;
    return typeof method === "string" ? method : undefined;
  } catch {
    return undefined;
  }
}
