// Notes said after a response, outside its body: what the call asked for that did not happen as asked (a redirect
// not followed, credentials not sent), and how to get it. Pure: the request, response and settings come in.
import { cutIndex, plural, retryAfterMs, type SettingNames } from "@mcp-toolkit/core";
import { credentialHeadersFor, type ResolvedCredentials, withheldOverHttp } from "./credentials.js";
import type { FetchRequest, FetchResponse } from "./fetch-request.js";
import { isRedirect, keepsMethod, locationText } from "./hops.js";
import { effectivePort } from "./host-name.js";
import { effectiveMethod, mayResend } from "./outgoing-request.js";
import { MIN_SHOWN_URL_CHARS } from "./shown-headers.js";

/** Why a confirmed request's redirect was not followed, and how to send it there; "" when it was not that. */
export function unfollowed(request: FetchRequest, response: FetchResponse, redact: (text: string) => string): string {
  const location = response.headers.location;
  // Only a redirect the fetcher stopped at for the confirmation: one that would send the same method on.
  const stopped = request.confirmed && isRedirect(response.status) && keepsMethod(request.method, response.status);
  if (!stopped || location === undefined) return "";
  let target: string;
  try {
    target = new URL(locationText(location), response.url).href;
  } catch {
    return "";
  }
  const from = quotedUrl(response.url, redact);
  return redact(
    `[Not followed: ${from} redirected this ${request.method} to ${quotedUrl(target, redact)}, and the user confirmed it only for ${from}. To send it there, call again with that URL; the user will be asked about it.]`,
  );
}

/**
 * What a redirect that turned the call into a GET did with it; "" when none did. After a 303 the upstream took the
 * request and points to its answer; after a 301 or 302 the body went nowhere, and the 200 shown would read as success.
 */
export function madeGetNote(response: FetchResponse, redact: (text: string) => string): string {
  const changed = response.madeGet;
  if (!changed) return "";
  const { method, status } = changed;
  const url = quotedUrl(changed.url, redact);
  const to = quotedUrl(response.url, redact);
  if (status === 303) {
    return redact(
      `[${url} answered this ${method} with 303 See Other; what is shown is the GET of ${to} it pointed to.]`,
    );
  }
  return redact(
    `[Redirected: ${url} answered this ${method} with ${status}, and the redirect was followed as a GET without the body, as browsers and curl -L do: the body was not sent to ${to}, so the ${method} may not have taken effect. To send it there, call that URL with the ${method} itself.]`,
  );
}

/**
 * Which configured credentials plain http kept from the host that answered, and how to send them; "" when none were.
 * Without it a 401 from an API whose credentials are configured would look like a wrong key.
 */
export function withheld(credentials: ResolvedCredentials, response: FetchResponse): string {
  const url = new URL(response.url);
  const names = withheldOverHttp(url, effectivePort(url), credentials);
  if (names.length === 0) return "";
  return `[Credentials not sent: the headers configured for ${url.host} (${names.join(", ")}) go only over https, or over plain http to localhost or an IP address on this machine or a private network, and this call was plain http. Call its https URL instead.]`;
}

/** Which of the call's own credential headers a redirect to another origin left behind; "" when none were. */
export function leftNote(response: FetchResponse, redact: (text: string) => string): string {
  if (!response.leftBehind) return "";
  const names = response.leftBehind.join(", ");
  return redact(
    `[Not sent to ${new URL(response.url).origin}: the headers you gave (${names}), which a redirect to another origin does not carry on, as browsers and curl do not. If that host should have them, call ${quotedUrl(response.url, redact)} with them yourself.]`,
  );
}

/**
 * What the host's configured credentials did to this call: which of the call's own headers they replaced (unseen, a
 * replaced header looks sent), and, when the answer refuses access, that the operator's credentials were what it
 * refused, so the model stops trying headers of its own. "" when no credential went with the answer's request.
 */
export function credentialNote(
  credentials: ResolvedCredentials,
  request: FetchRequest,
  response: FetchResponse,
  setting: string,
): string {
  const url = new URL(response.url);
  const sent = Object.keys(credentialHeadersFor(url, effectivePort(url), credentials));
  if (sent.length === 0) return "";
  const replaced = sent.filter((name) => name in request.headers && !response.leftBehind?.includes(name));
  const notes: string[] = [];
  if (replaced.length > 0) {
    notes.push(
      `[Not sent: your ${replaced.join(", ")} header. This server sends its own configured ${replaced.join(", ")} to ${url.host} in its place; leave it out.]`,
    );
  }
  if (response.status === 401 || response.status === 403) {
    notes.push(
      `[${url.host} answered ${response.status} to the credentials this server is configured to send it (${sent.join(", ")}). If they are wrong or lack access, only the server's operator can change them (${setting}): tell the user; a header of yours would not replace them.]`,
    );
  }
  return notes.join("\n\n");
}

/** Why HTML is shown unconverted: the time limit passed in line for a conversion (maxConversions), or before one. */
export function unconvertedNote(
  rendered: { unconverted?: true; conversionsAtOnce?: number },
  timeoutMs: number,
  names: SettingNames,
): string {
  const limit = `the ${timeoutMs} ms time limit, set by ${names("timeoutMs")}`;
  if (rendered.conversionsAtOnce) {
    const atOnce = `${plural(rendered.conversionsAtOnce, "page")} converted to markdown at once`;
    return `[HTML shown unconverted: ${limit}, passed while it waited its turn behind other calls' pages (${atOnce}, set by ${names("maxConversions")}); call again once fewer calls run]`;
  }
  return rendered.unconverted
    ? `[HTML shown unconverted: ${limit}, passed before it could be converted to markdown]`
    : "";
}

/** How the fetcher retries: as many resends, waiting at most so long for each (retries.ts). */
export interface RetrySettings {
  maxRetries: number;
  maxRetryWaitMs: number;
  timeoutMs: number;
}

/**
 * Why a 429 or 503 came back without (another) retry, and how long its Retry-After asks to wait, in seconds from now
 * (a date converted: the model has no clock to compare one with); "" for any other status. Without it a model cannot
 * tell a 429 this server gave up on from one it never retried, and resends at once. Another error that carries
 * Retry-After, which RFC 9110 gives the same meaning on any response, gets the note too, though it is never retried:
 * GitHub's secondary rate limit answers 403 with it, and asks that nothing be sent again until it has passed.
 */
export function retryNote(
  request: FetchRequest,
  response: FetchResponse,
  settings: RetrySettings,
  now = Date.now(),
): string {
  const value = response.headers["retry-after"];
  const retryStatus = response.status === 429 || response.status === 503;
  if (!retryStatus && (response.status < 400 || value === undefined)) return "";
  const wait = value === undefined ? undefined : retryAfterMs(value, now);
  const seconds = wait === undefined ? undefined : Math.ceil(wait / 1000);
  const asks = seconds === undefined ? "" : `Retry-After asks for ${plural(seconds, "second")}`;
  const why = whyNotRetried(request, response, settings, retryStatus, wait, asks);
  const when =
    seconds === undefined
      ? value === undefined
        ? "No Retry-After says how long to wait: wait a while (a RateLimit or X-RateLimit reset header, if shown, says when the limit resets) before calling again."
        : `Its Retry-After "${value}" is neither seconds nor a date: wait a while before calling again.`
      : `${why.namesWait ? "Call" : `${asks}: call`} again ${clockTime(now + seconds * 1000, now)}${plural(seconds, "second")} from now.`;
  return `[Not retried${response.retries > 0 ? " again" : ""}: ${why.text}. ${when}]`;
}

/**
 * "after 12:01:00 UTC, " for a time within a day of `now`, the date too past that; "" past the last time a Date holds
 * (a Retry-After of 10^14 seconds), where toISOString would throw and lose the whole answer.
 */
function clockTime(at: number, now: number): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return "";
  const iso = date.toISOString();
  return `after ${at - now < 86_400_000 ? "" : `${iso.slice(0, 10)} `}${iso.slice(11, 19)} UTC, `;
}

/** Why the fetcher did not resend it; `namesWait` when that reason already says what Retry-After asks (`asks`). */
function whyNotRetried(
  request: FetchRequest,
  response: FetchResponse,
  settings: RetrySettings,
  retryStatus: boolean,
  wait: number | undefined,
  asks: string,
): { text: string; namesWait?: true } {
  // A redirect that made the call a GET: the GET is what was answered.
  const answered = response.madeGet ? { ...request, method: "GET" } : request;
  if (!mayResend(answered)) {
    return {
      text: `a ${effectiveMethod(answered)} is never resent for you, as it may act twice (unless it carries an Idempotency-Key header, for an API that takes one)`,
    };
  }
  if (!retryStatus) {
    const github = response.status === 403 ? " (a rate limit may answer 403 so, as GitHub's secondary one does)" : "";
    return {
      text: `only a 429 or 503 is resent for you, and this is a ${response.status}, whose Retry-After says the refusal lasts only so long${github}`,
    };
  }
  if (response.retries >= settings.maxRetries) {
    return settings.maxRetries === 0
      ? { text: "retries are off on this server" }
      : { text: `already retried ${plural(response.retries, "time")}, the most this server does` };
  }
  if (wait !== undefined && wait > settings.maxRetryWaitMs) {
    return {
      text: `${asks}, longer than the ${settings.maxRetryWaitMs / 1000} s this server waits within a call`,
      namesWait: true,
    };
  }
  return { text: `the wait would pass this call's ${settings.timeoutMs} ms time limit` };
}

/**
 * What became of param values that already hold a percent-escape (`a%20b`): a param's value is the text itself, so
 * it was encoded again (`a%2520b`), which a cursor copied from a URL does not survive. "" when no value holds one.
 */
export function encodedParamsNote(
  params: Readonly<Record<string, string>> | undefined,
  redact: (text: string) => string,
): string {
  const escaped = Object.entries(params ?? {}).filter(([, value]) => /%[0-9A-Fa-f]{2}/.test(value));
  const [first] = escaped;
  if (first === undefined) return "";
  const [name, value] = first;
  const others = escaped.length > 1 ? ` (and ${plural(escaped.length - 1, "other param")} like it)` : "";
  // Redacted before they are cut: a secret cut first could keep its start unredacted.
  const shown = redact(value);
  const sent = redact(new URLSearchParams([[name, value]]).toString());
  const length = shown.length > QUOTED_CHARS ? ` (${shown.length} characters)` : "";
  return redact(
    `[params: "${name}" is "${clipped(shown)}"${length}${others}, which holds a percent-escape, and was sent encoded again, as ${clipped(sent)}: a param's value is the text itself. If it was already encoded (a cursor or token copied from a URL), put it in the url as written instead of in params]`,
  );
}

/** The most characters of a param value (and of it as sent) the note quotes: a cursor may be thousands long. */
const QUOTED_CHARS = 80;

/** `text` cut to `max` characters and `…`, not through a surrogate pair. */
function clipped(text: string, max = QUOTED_CHARS): string {
  if (text.length <= max) return text;
  const end = cutIndex(text, max);
  return `${text.slice(0, end)}…`;
}

/**
 * A URL a note names, redacted, and cut as the url line is past MIN_SHOWN_URL_CHARS (saying how long it was): a
 * redirect's Location may be 15,000 characters, which a note naming it twice would repeat in full.
 */
function quotedUrl(url: string, redact: (text: string) => string): string {
  const shown = redact(url);
  if (shown.length <= MIN_SHOWN_URL_CHARS) return shown;
  return `${clipped(shown, MIN_SHOWN_URL_CHARS)} (a URL of ${shown.length} characters, cut here)`;
}
