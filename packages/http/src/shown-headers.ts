// Which response headers a result shows. Pure: the response's headers and the call's method come in as arguments.
// A model reads every line of every result, so by default it gets the headers that change what it does next, and
// the rest only when it asks for them.
import { cutIndex, plural } from "@mcp-toolkit/core";
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

/**
 * The most characters of header lines (`name: value` and its line break) one result shows: an upstream may send up
 * to 16 KiB of headers on every answer, which would otherwise crowd out the body on every page.
 */
export const MAX_SHOWN_HEADER_CHARS = 4000;
/** Characters of one header line: `name: value` and its line break. */
const size = (name: string, value: string) => name.length + value.length + 3;

/** Characters of the lines that show `headers`, as MAX_SHOWN_HEADER_CHARS counts them. */
export function headerLineChars(headers: Readonly<Record<string, string>>): number {
  return Object.entries(headers).reduce((sum, [name, value]) => sum + size(name, value), 0);
}

/** A value cut to fit keeps at least this much; with less room left it is left out instead. */
const MIN_CUT_CHARS = 100;
/** Left-out headers named one by one, at most. */
const NAMED_LEFT_OUT = 10;
/** The most characters of a header's name the note gives: names are the upstream's to choose, and may be long. */
const NAME_CHARS = 40;

/**
 * `shown` (values already redacted) within `max` characters of header lines: the headers named in SHOWN_HEADERS
 * first, then the families (rate limits, CORS), then the rest, each in the order sent. A value longer than the room
 * left is cut, one with too little room left out; `note` says which and how long they were. The order sent is kept.
 */
export function boundHeaders(
  shown: Readonly<Record<string, string>>,
  max = MAX_SHOWN_HEADER_CHARS,
  taken = 0,
): { shown: Record<string, string>; note?: string } {
  const entries = Object.entries(shown);
  const total = headerLineChars(shown);
  if (total <= max - taken) return { shown: { ...shown } };
  const rank = (name: string) => (SHOWN_HEADERS.has(name) || name === "date" ? 0 : isFamily(name) ? 1 : 2);
  const kept = new Map<string, string>();
  const cut: string[] = [];
  const left: string[] = [];
  let room = max - taken;
  for (const [name, value] of [...entries].sort(([a], [b]) => rank(a) - rank(b))) {
    const fits = room - size(name, "…");
    if (size(name, value) <= room) kept.set(name, value);
    else if (fits >= MIN_CUT_CHARS) {
      // Not half of a surrogate pair: a value read as UTF-8 may hold an emoji.
      const end = cutIndex(value, fits);
      kept.set(name, `${value.slice(0, end)}…`);
      cut.push(`${noted(name)} cut to ${end} of its ${value.length} characters`);
    } else {
      left.push(name);
      continue;
    }
    room -= size(name, kept.get(name) ?? "");
  }
  const bounded = Object.fromEntries(
    entries.filter(([name]) => kept.has(name)).map(([name]) => [name, kept.get(name) ?? ""]),
  );
  const leftSize = left.reduce((sum, name) => sum + size(name, shown[name] ?? ""), 0);
  const named =
    left.slice(0, NAMED_LEFT_OUT).map(noted).join(", ") +
    (left.length > NAMED_LEFT_OUT ? ` and ${left.length - NAMED_LEFT_OUT} more` : "");
  const parts = [
    ...cut,
    ...(left.length > 0 ? [`left out: ${named} (${plural(left.length, "header")}, ${leftSize} characters)`] : []),
  ];
  return {
    shown: bounded,
    note: `[response headers: ${total} characters of them, more than the ${taken > 0 ? `${max - taken} left beside the url line of the ${max}` : max} a result shows, so ${parts.join("; ")}]`,
  };
}

/** A final URL cut to make room for the headers keeps at least this many characters. */
export const MIN_SHOWN_URL_CHARS = 2000;

/**
 * The `url:` line naming where `redirects` redirects ended (`url` already redacted), counted in the same `max`
 * characters as the header lines (`headerChars` of them, line breaks included), as it comes from the upstream too: a
 * Location may be a 15,000-character URL. The URL is whole when both fit or it has at most MIN_SHOWN_URL_CHARS (the
 * headers are cut then), else cut to the room the headers leave but to no fewer than MIN_SHOWN_URL_CHARS; `note` then
 * says how long it was. `chars` is the line's share of `max`.
 */
export function boundUrlLine(
  url: string,
  redirects: number,
  headerChars: number,
  max = MAX_SHOWN_HEADER_CHARS,
): { url: string; line: string; chars: number; note?: string } {
  const line = (shown: string) => `url: ${shown} (after ${plural(redirects, "redirect")})`;
  const frame = line("").length + 1;
  if (frame + url.length + headerChars <= max) return { url, line: line(url), chars: frame + url.length };
  // Room for the `…` too.
  const keep = Math.max(MIN_SHOWN_URL_CHARS, max - frame - headerChars - 1);
  // One no longer than it keeps is whole (the headers are cut instead): a `…` after it would make another URL.
  if (url.length <= keep) return { url, line: line(url), chars: frame + url.length };
  // Not half of a surrogate pair: redaction aside, a URL is ASCII, but the cut must not break what is not.
  const end = cutIndex(url, keep);
  const shown = `${url.slice(0, end)}…`;
  return {
    url: shown,
    line: line(shown),
    chars: frame + shown.length,
    note: `[url: the final URL is ${url.length} characters, cut here and in structuredContent's url to its first ${end}: the url line and the response headers take at most ${max} characters of a result]`,
  };
}

/** A header's name as the note gives it: its first NAME_CHARS characters. */
function noted(name: string): string {
  return name.length > NAME_CHARS ? `${name.slice(0, NAME_CHARS)}…` : name;
}

/** The header families shown beside the named headers: rate limits, and CORS answers to an OPTIONS. */
function isFamily(name: string): boolean {
  return SHOWN_PREFIXES.some((prefix) => name.startsWith(prefix)) || name.startsWith(OPTIONS_PREFIX);
}
