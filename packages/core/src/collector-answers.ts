// The OTLP exporter keeps what the collector answered to itself: a batch refused with 429 (throttling) or 503 (with a
// Retry-After) fails as "Export failed with retryable status", and one still being retried at exit looks like no answer
// at all. Node publishes every HTTP answer on a diagnostics channel; the last one from each collector URL is kept here,
// so the warnings can say what the collector said.
import { subscribe } from "node:diagnostics_channel";
import type { ClientRequest, IncomingMessage } from "node:http";
import { retryAfterMs } from "./retry-after.js";

/** What a collector last answered to an export: its HTTP status, and when it asked to be tried again. */
export interface CollectorAnswer {
  status: number;
  statusText: string;
  /** The Retry-After header as seconds from when it came, when there was one. */
  retryAfterS?: number;
  /** performance.now() when it came. */
  at: number;
}

const answers = new Map<string, CollectorAnswer>();
let listening = false;

/** `url` as a request to it is keyed: scheme, host:port, path and query (never its user info). */
function keyOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}${parsed.search}`;
}

function heard(message: unknown): void {
  const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
  const key = `${request.protocol}//${request.getHeader("host")}${request.path}`;
  if (!answers.has(key)) return;
  const retryAfterS = retryAfterSeconds(response.headers["retry-after"], Date.now());
  answers.set(key, {
    status: response.statusCode ?? 0,
    statusText: response.statusMessage ?? "",
    ...(retryAfterS === undefined ? {} : { retryAfterS }),
    at: performance.now(),
  });
}

/** Start keeping what the collector at `url` answers (idempotent; the exporters call it as they are made). */
export function watchCollector(url: string): void {
  if (!URL.canParse(url)) return;
  const key = keyOf(url);
  if (!answers.has(key)) answers.set(key, { status: 0, statusText: "", at: Number.NEGATIVE_INFINITY });
  if (listening) return;
  listening = true;
  subscribe("http.client.response.finish", heard);
}

/** What the collector at `url` last answered within `withinMs`, when it refused the export (not 2xx). */
export function lastRefusal(url: string, withinMs: number): CollectorAnswer | undefined {
  if (!URL.canParse(url)) return undefined;
  const answer = answers.get(keyOf(url));
  if (!answer || answer.status === 0 || (answer.status >= 200 && answer.status < 300)) return undefined;
  return performance.now() - answer.at <= withinMs ? answer : undefined;
}

/** A Retry-After value (seconds, or an HTTP date) as whole seconds from `now`; undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | undefined, now: number): number | undefined {
  const ms = value === undefined ? undefined : retryAfterMs(value, now);
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
}

/** "429 Too Many Requests (throttling), asking to retry after 30 s": a refusal as the warnings say it. */
export function describeRefusal(answer: CollectorAnswer): string {
  const why = answer.status === 429 ? " (throttling)" : "";
  const later = answer.retryAfterS === undefined ? "" : `, asking to retry after ${answer.retryAfterS} s`;
  return `${answer.status} ${answer.statusText}`.trim() + why + later;
}
