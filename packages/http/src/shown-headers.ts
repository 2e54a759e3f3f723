// Which response headers a result shows. Pure: the response's headers and the call's method come in as arguments.
// A model reads every line of every result, so by default it gets the headers that change what it does next, and
// the rest only when it asks for them.
import { locationText } from "./hops.js";

/** Response headers worth showing on any response; the rest are noise for a model. */
const SHOWN_HEADERS = new Set([
  "content-type",
  "content-length",
  "content-range",
  // What to do with the body: a download's file name, whether and how long it may be reused.
  "content-disposition",
  "cache-control",
  "location",
  "retry-after",
  // The methods a resource takes, as a 405 or an OPTIONS answer names them.
  "allow",
  "etag",
  "last-modified",
  "www-authenticate",
  "link",
  // An API telling its callers an endpoint is going away (RFC 9745, RFC 8594).
  "deprecation",
  "sunset",
  // Paging and tracing: how many there are, where the next page is, which request to quote to the API's owner.
  // GitLab counts in X-Total and X-Total-Pages beside X-Next-Page, WordPress in X-WP-Total and X-WP-TotalPages.
  "x-total-count",
  "x-total",
  "x-total-pages",
  "x-wp-total",
  "x-wp-totalpages",
  "x-next-page",
  "x-request-id",
]);
/** The RateLimit draft's headers and the X-RateLimit-* family, also spelt X-Rate-Limit-* (X's API, Okta). */
const SHOWN_PREFIXES = ["ratelimit", "x-ratelimit", "x-rate-limit"];
/** CORS answers (allowed methods, headers, origin, max age): what an OPTIONS request is sent to learn. */
const OPTIONS_PREFIX = "access-control-";
/** Never shown, even when every header is asked for: it carries sessions, and this tool keeps no cookies. */
const WITHHELD = "set-cookie";

/** The headers to show (names lower-case, values as sent, raw UTF-8 read as such) and a note on what was withheld, when something was. */
export function shownHeaders(
  headers: Readonly<Record<string, string>>,
  method: string,
  all: boolean,
  credentialsSetting: string,
): { shown: Record<string, string>; withheld?: string } {
  const shown: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name === WITHHELD) continue;
    const chosen =
      all ||
      SHOWN_HEADERS.has(name) ||
      SHOWN_PREFIXES.some((prefix) => name.startsWith(prefix)) ||
      (method === "OPTIONS" && name.startsWith(OPTIONS_PREFIX));
    // Header bytes arrive one per character (Latin-1): a value sent as raw UTF-8 (a file name, an error description)
    // is read as UTF-8 when its bytes form it, as a Location is, rather than shown as mojibake.
    if (chosen) shown[name] = locationText(value);
  }
  // A reset given as a time (GitHub's X-RateLimit-Reset counts epoch seconds) needs the time the answer was sent to
  // tell how long to wait: a model has no clock of its own.
  if (!all && headers.date !== undefined && Object.keys(shown).some((name) => name.endsWith("-reset"))) {
    shown.date = headers.date;
  }
  if (headers[WITHHELD] === undefined) return { shown };
  // A model that logs in and sees no cookie would try again and again; say why the session cannot last.
  const withheld = `[Set-Cookie withheld: this tool keeps no cookies, so a cookie session does not carry to the next call; use a token the API issues (an Authorization or API-key header), or have the server's operator add the host's headers with ${credentialsSetting}]`;
  return { shown, withheld };
}
