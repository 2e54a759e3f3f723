// The request a tool call describes, checked and built before anything is sent. Pure: read-only mode and how
// settings are named come in as arguments, so the refusals are table-tested without a network.
import type { SettingNames } from "@mcp-toolkit/core";
import type { FetchRequest } from "./fetch-request.js";
import { encodeBody } from "./request-body.js";
import { parseTarget } from "./url-policy.js";

/** One call as a tool describes it. */
export interface Exchange {
  method: string;
  url: string;
  headers?: Record<string, string> | undefined;
  params?: Record<string, string> | undefined;
  /** A string is sent verbatim; any other JSON value is serialised. */
  body?: unknown;
  maxLength?: number | undefined;
  startIndex?: number | undefined;
  /** The body as sent (HTML unconverted, JSON not re-indented) and every response header but Set-Cookie. */
  raw?: boolean | undefined;
}

/**
 * Methods RFC 9110 §9.2.2 calls idempotent: sending one twice has the effect of sending it once, so it may be retried
 * or sent again to read a later page. POST, PATCH and anything unknown may not.
 */
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);

/** Whether `method` (upper case) may be sent again without a second effect. */
export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method);
}

/**
 * Whether `request` may be resent after a 429 or 503 without acting twice: its method (as effectiveMethod counts it)
 * is idempotent, or it carries a non-empty `Idempotency-Key` (IETF httpapi's Idempotency-Key header, as Stripe, Adyen
 * and PayPal take it), by which an API that takes one answers a repeat with the first request's outcome, never a
 * second effect. Only retries count on it: paging still resends only an idempotent method, as an API keeps a key's
 * outcome for a while, not for ever, and one that does not take the header acts again.
 */
export function mayResend(request: Methoded): boolean {
  return isIdempotent(effectiveMethod(request)) || hasIdempotencyKey(request.headers);
}

/** Whether `headers` (any case) hold a non-empty `Idempotency-Key`. Pure. */
export function hasIdempotencyKey(headers: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(headers ?? {}).some(
    ([name, value]) => name.toLowerCase() === "idempotency-key" && value.trim(),
  );
}

/**
 * Headers by which many web frameworks take a request as another method (Rails and Express's method-override read
 * X-HTTP-Method-Override, OData X-HTTP-Method): a GET carrying `DELETE` in one is a DELETE to such an API.
 */
const METHOD_OVERRIDE_HEADERS = new Set(["x-http-method-override", "x-http-method", "x-method-override"]);

/**
 * Each method the method-override headers among `headers` (any case) name, upper case, with the header naming it
 * first. Every such header counts, and every item of a comma list (Express reads a list's first, other frameworks
 * their own header), so a harmless first one cannot hide a DELETE after it; an empty value names nothing.
 */
export function methodOverrides(
  headers: Readonly<Record<string, string>> | undefined,
): { name: string; value: string; method: string }[] {
  const named = new Map<string, { name: string; value: string; method: string }>();
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!METHOD_OVERRIDE_HEADERS.has(name.toLowerCase())) continue;
    for (const item of value.split(",")) {
      const method = item.trim().toUpperCase();
      if (method && !named.has(method)) named.set(method, { name, value, method });
    }
  }
  return [...named.values()];
}

/** A request as far as its method goes. */
export type Methoded = { method: string; headers?: Readonly<Record<string, string>> | undefined };

/**
 * The methods the upstream may act on: the one sent and, when a method-override header names another, that one. An
 * API that reads the header acts on the named method; one that does not (most, and Rails and Express for anything
 * but a POST) acts on the method sent, so a DELETE carrying `X-HTTP-Method-Override: GET` still deletes there.
 */
export function actedMethods(request: Methoded): string[] {
  return acted(request.method, methodOverrides(request.headers)[0]?.method);
}

/**
 * The method the request counts as when it may be sent again (paging, retries, the advice on a failure):
 * the named method, unless it is idempotent and the one sent is not.
 */
export function effectiveMethod(request: Methoded): string {
  return repeatedAs(request.method, methodOverrides(request.headers)[0]?.method);
}

/** actedMethods, for the method `sent` and the one an override header `named`. */
function acted(sent: string, named: string | undefined): string[] {
  return named === undefined || named === sent ? [sent] : [sent, named];
}

/** effectiveMethod, for the method `sent` and the one an override header `named`. */
function repeatedAs(sent: string, named = sent): string {
  return isIdempotent(named) && !isIdempotent(sent) ? sent : named;
}

/** Headers the client manages itself; a model or a credential setting them would corrupt the framing. */
const MANAGED_HEADERS = new Set([
  "host",
  "connection",
  "content-length",
  "transfer-encoding",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "expect",
  "proxy-connection",
]);

/** Is `name` (lower case) one of the headers the HTTP client sets itself (Host, Content-Length, Connection…)? */
export function isManagedHeader(name: string): boolean {
  return MANAGED_HEADERS.has(name);
}

/** Check the call and build the request, or say what is wrong with it (`cause` when it is a refusal). */
export function buildRequest(
  call: Exchange,
  readOnly: boolean,
  settingNames: SettingNames,
): { request: FetchRequest } | { error: string; cause?: string } {
  const method = call.method.toUpperCase();
  const overrides = methodOverrides(call.headers);
  if (overrides.length > 1) {
    const named = overrides.map((o) => `${o.method} (${o.name})`).join(", ");
    return {
      error: `the method-override headers name more than one method: ${named}, and APIs differ in which one they act on; nothing was sent. Send one method-override header naming one method, or none`,
    };
  }
  const override = overrides[0];
  // What the upstream acts on: a GET with X-HTTP-Method-Override: DELETE deletes, on the APIs that read it.
  const named = override?.method;
  if (readOnly && acted(method, named).some((m) => m !== "GET" && m !== "HEAD")) {
    const what =
      override && named !== "GET" && named !== "HEAD"
        ? `header "${override.name}: ${override.value}" asks the upstream to take this ${method} as a ${named}, which is disabled in read-only mode`
        : `${method} is disabled in read-only mode`;
    return {
      error: `refused: ${what}, set by ${settingNames("readOnly")}; only GET and HEAD are allowed`,
      cause: "read_only",
    };
  }
  const repeated = repeatedAs(method, named);
  if ((call.startIndex ?? 0) > 0 && !isIdempotent(repeated)) {
    return {
      error: `start_index ${call.startIndex} would send the ${repeated} again, and a ${repeated} is not safe to repeat (it may write twice); nothing was sent. Send it once without start_index, with max_length up to this server's limit, or ask the API for a smaller reply with its own paging or filter parameters`,
    };
  }
  const parsed = parseTarget(call.url);
  if (!parsed.ok) return { error: parsed.reason };
  const url = parsed.url;
  if (call.params && Object.keys(call.params).length > 0) url.search = withParams(url.search, call.params);

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(call.headers ?? {})) {
    const lower = name.toLowerCase();
    if (isManagedHeader(lower)) return { error: `header "${name}" is set by the client itself; remove it and retry` };
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(lower)) return { error: `header name "${name}" is not a valid HTTP token` };
    if (/[\r\n\0]/.test(value)) return { error: `header "${name}" contains a line break or NUL; remove it` };
    // undici refuses the rest with only "invalid header": say which character, and how to send text beyond Latin-1.
    const chars = [...value];
    const control = chars.find((c) => (c < " " && c !== "\t") || c === "\x7f");
    if (control) return { error: `header "${name}" contains the control character U+${hex(control)}; remove it` };
    const wide = chars.find((c) => c > "\xff");
    if (wide) {
      return {
        error: `header "${name}" contains "${wide}", which an HTTP header cannot carry (Latin-1 only); percent-encode the text, or use the API's own encoding for it (such as RFC 8187's UTF-8''…)`,
      };
    }
    headers[lower] = value;
  }
  if (call.body === undefined || call.body === null) return { request: { method, url, headers } };
  if (method === "GET" || method === "HEAD") return { error: `${method} cannot carry a body; use POST, PUT or PATCH` };
  const encoded = encodeBody(call.body, headers["content-type"]);
  if ("error" in encoded) return encoded;
  headers["content-type"] = encoded.contentType;
  return { request: { method, url, headers, body: encoded.text } };
}

/**
 * The query with `params` set: each replaces the first pair of its name in place and drops the rest (`?page=1` with
 * page "3" asks for page 3, not both); new ones are appended, form-encoded. Every other pair is kept byte for byte:
 * re-serialising them (`%20` as `+`, `flag` as `flag=`, `~` as `%7E`) would change what a strict API or a signed
 * URL reads.
 */
export function withParams(search: string, params: Readonly<Record<string, string>>): string {
  const pending = new Map(Object.entries(params));
  const pairs: string[] = [];
  for (const pair of search.replace(/^\?/, "").split("&")) {
    if (pair === "") continue;
    const name = pairName(pair);
    if (!Object.hasOwn(params, name)) pairs.push(pair);
    else if (pending.has(name)) {
      pairs.push(new URLSearchParams([[name, String(pending.get(name))]]).toString());
      pending.delete(name);
    }
  }
  for (const [name, value] of pending) pairs.push(new URLSearchParams([[name, String(value)]]).toString());
  return pairs.join("&");
}

/** A query pair's name, decoded as a form decodes it; a malformed escape leaves it as written. */
function pairName(pair: string): string {
  const raw = (pair.split("=")[0] ?? "").replace(/\+/g, " ");
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function hex(char: string): string {
  return (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
}
