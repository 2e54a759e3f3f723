// Which answers an outgoing request follows or retries, and how: redirects (which method and headers go on to the
// next hop) and Retry-After. Pure, so the fetcher's loop (fetcher.ts) only decides when.
import { isUtf8 } from "node:buffer";
import { retryAfterMs } from "@mcp-toolkit/core";
import type { Dispatcher } from "undici";
import { FetchError } from "./fetch-errors.js";
import type { FetchRequest } from "./fetch-request.js";
import { type Methoded, mayResend } from "./outgoing-request.js";

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const RETRY_STATUS = new Set([429, 503]);
/**
 * Headers a redirect to another origin must not carry: the three fetch drops, and the API-key headers APIs use in
 * their place, which fetch knows nothing of but which are as much a credential for the first origin.
 */
const ORIGIN_BOUND = [
  "authorization",
  "cookie",
  "proxy-authorization",
  "x-api-key",
  "api-key",
  "private-token",
  "x-auth-token",
  "x-access-token",
];

/** Headers about a request's body, dropped with it when a redirect makes the request a GET (fetch's list). */
const BODY_HEADERS = ["content-type", "content-length", "content-encoding", "content-language", "content-location"];

/** A status that redirects, when it comes with a Location. */
export function isRedirect(status: number): boolean {
  return REDIRECTS.has(status);
}

/** Whether this answer is retried: a request that may be resent (mayResend) answered 429 or 503, with retries left. */
export function shouldRetry(request: Methoded, status: number, attempt: number, max: number): boolean {
  return mayResend(request) && RETRY_STATUS.has(status) && attempt < max;
}

/** Milliseconds to wait before a retry: Retry-After (seconds or HTTP date), else 1 s, 2 s, 4 s… */
export function retryDelay(value: string | string[] | undefined, attempt: number, now = Date.now()): number {
  const text = Array.isArray(value) ? value[0] : value;
  return (text === undefined ? undefined : retryAfterMs(text, now)) ?? 1000 * 2 ** attempt;
}

/** Whether a redirect sends the same method on (all but a 303, and a POST after 301/302, which become a GET). */
export function keepsMethod(method: string, status: number): boolean {
  return !(status === 303 ? method !== "HEAD" : (status === 301 || status === 302) && method === "POST");
}

/**
 * The request a redirect leads to: its Location resolved against the URL, credentials dropped when it leaves the
 * origin, and turned into a GET (without body headers) as browsers do: for a 303 (but HEAD), or a POST after 301/302.
 * A Location that is not http(s), or carries a user:password part, is refused.
 */
export function nextHop(request: FetchRequest, status: number, location: string): FetchRequest {
  let url: URL;
  try {
    url = new URL(locationText(location), request.url);
  } catch {
    throw new FetchError("redirect", `${request.url.href} redirected to an invalid location "${location}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new FetchError("refused", `refused: ${request.url.href} redirected to ${url.protocol} URL; only http(s)`);
  }
  // Never followed, as a URL given with one is never fetched: dropping the credentials unseen would send a request
  // the upstream expected to be authenticated, and `trusted.example@other.example` misleads about where it goes.
  if (url.username || url.password) {
    url.username = "";
    url.password = "";
    throw new FetchError(
      "redirect",
      `${request.url.href} redirected to ${url.href} with a user:password part in the URL, which this tool never sends, so the redirect was not followed; request ${url.href} itself, with an Authorization header if it needs credentials`,
    );
  }
  const headers = { ...request.headers };
  if (url.origin !== request.url.origin) for (const name of ORIGIN_BOUND) delete headers[name];
  if (keepsMethod(request.method, status)) return { ...request, url, headers };
  // The fetch standard's request-body-header names: they describe the body, which the GET does not carry.
  for (const name of BODY_HEADERS) delete headers[name];
  return { method: "GET", url, headers };
}

/** The origin-bound headers among those a call `given` that its last hop was `sent` without: a redirect left them. */
export function leftBehind(given: Readonly<Record<string, string>>, sent: Readonly<Record<string, string>>): string[] {
  return ORIGIN_BOUND.filter((name) => name in given && !(name in sent));
}

/**
 * A Location header's text (or any header's: shown-headers.ts reads them all so). The client hands header bytes over one per character (Latin-1), so a Location sent with
 * raw UTF-8 (`/café`) would be followed as `/cafÃ©`: bytes that form UTF-8 are read as UTF-8, as fetch reads them.
 */
export function locationText(raw: string): string {
  if (!/[\x80-\xff]/.test(raw) || /[\u0100-\uffff]/.test(raw)) return raw;
  const bytes = Buffer.from(raw, "latin1");
  return isUtf8(bytes) ? bytes.toString("utf8") : raw;
}

/** A response header's first value. */
export function firstHeader(headers: Dispatcher.ResponseData["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
