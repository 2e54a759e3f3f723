import { MAX_TIMER_MS } from "@mcp-toolkit/core";

/**
 * Whether, and after how long, the Anthropic SDK will retry a request, worked out as the SDK does (its
 * shouldRetry and retryRequest) so each retry can be reported before it happens. Pure: the answer's status and
 * headers, the attempt, the limit and the time in; the SDK's own code is not reachable from its public API.
 */

/** A retry the SDK is about to make: what went wrong, and the wait before it (`minMs` < `maxMs` when jittered). */
export interface SdkRetry {
  what: string;
  minMs: number;
  maxMs: number;
}

/** The SDK's backoff: 0.5 s doubling per retry, at most 8 s, less up to 25% jitter. */
export function backoff(attempt: number): { minMs: number; maxMs: number } {
  const maxMs = Math.min(0.5 * 2 ** attempt, 8) * 1000;
  return { minMs: maxMs * 0.75, maxMs };
}

/**
 * The longest wait the agent lets the SDK take when the API asks for one. A longer ask (`retry-after: 3600`) ends the
 * request at once, saying when to try again, instead of sleeping silently through it: the SDK would wait any ask up
 * to 24 days.
 */
export const MAX_ASKED_WAIT_MS = 60_000;

/** The wait the API asked for (`retry-after-ms`, then `retry-after` in seconds or as an HTTP date), if usable. */
export function askedWait(headers: Headers, now: number): number | undefined {
  return askedWaitFrom(headers, now)?.ms;
}

/** The header a wait was asked in, as a message names it. */
export type WaitHeader = "retry-after-ms" | "Retry-After";

/** askedWait, and the header it was read from. */
export function askedWaitFrom(headers: Headers, now: number): { ms: number; header: WaitHeader } | undefined {
  let ms: number | undefined;
  let header: WaitHeader = "retry-after-ms";
  const afterMs = headers.get("retry-after-ms");
  if (afterMs && !Number.isNaN(Number.parseFloat(afterMs))) ms = Number.parseFloat(afterMs);
  const after = headers.get("retry-after");
  // As the SDK: a retry-after-ms of 0 gives way to retry-after.
  if (after && !ms) {
    const seconds = Number.parseFloat(after);
    ms = Number.isNaN(seconds) ? Date.parse(after) - now : seconds * 1000;
    header = "Retry-After";
  }
  return ms !== undefined && ms > 0 && ms <= MAX_TIMER_MS ? { ms, header } : undefined;
}

function what(status: number): string {
  if (status === 408) return "request timeout (408)";
  if (status === 409) return "conflict (409)";
  if (status === 429) return "rate limited (429)";
  if (status === 529) return "overloaded (529)";
  if (status >= 500) return `server error (${status})`;
  return `error (${status})`;
}

/**
 * The retry the SDK will make after this answer, or undefined when it will not: 408, 409, 429 and 5xx are retried,
 * and any status the API marks `x-should-retry: true`; `x-should-retry: false` is never. `attempt` counts the
 * retries already made (the request's `x-stainless-retry-count`). An ask longer than MAX_ASKED_WAIT_MS is no retry:
 * the agent's fetch marks that answer `x-should-retry: false` (overlongAsk).
 */
export function sdkRetry(
  status: number,
  headers: Headers,
  attempt: number,
  maxRetries: number,
  now: number,
): SdkRetry | undefined {
  if (status < 400 || attempt >= maxRetries) return undefined;
  const should = headers.get("x-should-retry");
  const retried =
    should === "true" || (should !== "false" && (status === 408 || status === 409 || status === 429 || status >= 500));
  if (!retried) return undefined;
  const asked = askedWait(headers, now);
  if (asked !== undefined && asked > MAX_ASKED_WAIT_MS) return undefined;
  return { what: what(status), ...(asked === undefined ? backoff(attempt) : { minMs: asked, maxMs: asked }) };
}

/** The wait for a one-line report: "250 ms", "3 s", "375–500 ms", "1.5–2 s". */
export function waitText({ minMs, maxMs }: { minMs: number; maxMs: number }): string {
  const one = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`);
  if (minMs === maxMs) return one(maxMs);
  return maxMs < 1000
    ? `${Math.round(minMs)}–${Math.round(maxMs)} ms`
    : `${Number((minMs / 1000).toFixed(2))}–${Number((maxMs / 1000).toFixed(2))} s`;
}

/** The wait the API asked for, when it is an error's and longer than the agent waits (MAX_ASKED_WAIT_MS). */
export function overlongAsk(status: number, headers: Headers, now: number): number | undefined {
  const asked = status >= 400 ? askedWait(headers, now) : undefined;
  return asked !== undefined && asked > MAX_ASKED_WAIT_MS ? asked : undefined;
}

/** A long wait for a message: "90 s", "60 min", "25 h". */
export function longWaitText(ms: number): string {
  if (ms < 120_000) return `${Math.ceil(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.ceil(ms / 60_000)} min`;
  return `${Math.ceil(ms / 3_600_000)} h`;
}
