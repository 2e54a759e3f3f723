// Who may talk to an HTTP endpoint, judged from the Host and Origin headers before the token is even read. A browser
// page can aim requests at a local server, by its own origin or through DNS rebinding (a name of the attacker's that
// resolves to 127.0.0.1, which the browser then treats as same-origin). The spec requires servers to validate
// Origin, and Host stops rebinding. Pure: the decision takes everything it needs as arguments.
import { validateHostHeader, validateOriginHeader } from "@modelcontextprotocol/server";
import { corsAllowed } from "./cors.js";
import { optionNames, type SettingNames } from "./setting-names.js";

/** Which Host and Origin values an endpoint accepts. */
export interface HttpGuardPolicy {
  /** Hostnames (no port) the Host header may name; empty means any (a non-loopback bind with none configured). */
  hosts: readonly string[];
  /** Origin hostnames (or `scheme://*`) a browser request may come from; requests without Origin always pass. */
  origins: readonly string[];
  /**
   * The origins as configured: one given with its scheme (`https://app.example.com`) lets in that origin alone, not
   * its name over another scheme or port, exactly as CORS answers it.
   */
  configuredOrigins: readonly string[];
}

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

/** Is `host` (as given to listen()) a loopback address or name? */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127(\.\d{1,3}){3}$/.test(bare);
}

/**
 * The policy for a server listening on `bindHost`. On loopback only loopback Hosts and Origins are accepted, plus
 * the configured extras; elsewhere the Host is checked only if hosts are configured (a public name is the
 * operator's to choose), while an Origin must always be one configured.
 */
export function guardPolicy(
  bindHost: string,
  extra: { hosts?: readonly string[]; origins?: readonly string[] } = {},
): HttpGuardPolicy {
  const hosts = (extra.hosts ?? []).map(normalizeName);
  const configuredOrigins = extra.origins ?? [];
  const origins = configuredOrigins.map(normalizeOrigin);
  if (!isLoopbackHost(bindHost)) return { hosts, origins, configuredOrigins };
  const bound = normalizeName(bindHost);
  const loopback = LOOPBACK_NAMES.includes(bound) ? LOOPBACK_NAMES : [...LOOPBACK_NAMES, bound];
  return { hosts: [...loopback, ...hosts], origins: [...loopback, ...origins], configuredOrigins };
}

/**
 * The host of a URL clients are told to use (OAuth's resource), when the Host check would refuse it: every client
 * following that URL would get 403. Undefined when it passes.
 */
export function refusedHost(url: string, policy: HttpGuardPolicy): string | undefined {
  const name = normalizeName(new URL(url).hostname);
  return policy.hosts.length === 0 || policy.hosts.includes(name) ? undefined : name;
}

/** A Verdict whose refusal also says which header was not allowed: its cause, as the refusal's span names it. */
export type GuardVerdict =
  | { ok: true }
  | { ok: false; cause: "host_not_allowed" | "origin_not_allowed"; reason: string };

/**
 * What a Host header may be (RFC 9110: host[:port]): a name or IPv4 address, or an IPv6 address in brackets. The
 * SDK's check reads it as a URL, so `evil.example@localhost`, `localhost/x` or `localhost?x` passed as `localhost`
 * and then failed inside the SDK's handler, answered 500; on a non-loopback bind with no --allowed-host, unchecked.
 */
const HOST_SYNTAX = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(:\d*)?$/i;

/**
 * The host a request names, which the Host check must judge (RFC 9112 §3.3): the authority of an absolute-form target
 * (`POST http://evil.example/mcp`), which takes the place of Host, else its one Host header. Node keeps the first of
 * several Host headers and drops the rest, so a proxy reading another one would see a different request; HTTP/1.1
 * says a request with more than one is answered 400, and so it is.
 */
export function namedHost(
  target: string,
  rawHeaders: readonly string[],
): { ok: true; host: string | undefined } | { ok: false; reason: string } {
  const hosts = rawHeaders.filter((value, i) => i % 2 === 0 && value.toLowerCase() === "host").length;
  if (hosts > 1) {
    return {
      ok: false,
      reason: `the request has ${hosts} Host headers, and HTTP/1.1 takes exactly one (RFC 9112); the client, or a proxy in front, must send one`,
    };
  }
  const host = rawHeaders.find((_, i) => i % 2 === 1 && rawHeaders[i - 1]?.toLowerCase() === "host");
  if (target.startsWith("/") || target === "*" || !URL.canParse(target)) return { ok: true, host };
  return { ok: true, host: new URL(target).host };
}

/** Judge one request's Host and Origin headers against a policy; a refusal's reason is sent back with the 403. */
export function checkRequest(
  headers: { host?: string | undefined; origin?: string | undefined },
  policy: HttpGuardPolicy,
  names: SettingNames = optionNames,
): GuardVerdict {
  if (headers.host && !HOST_SYNTAX.test(headers.host)) {
    // No setting allows it: the client must send a well-formed Host.
    return {
      ok: false,
      cause: "host_not_allowed",
      reason: `Host ${JSON.stringify(headers.host)} is not a valid host[:port]; the client must send a name or address and an optional port`,
    };
  }
  if (policy.hosts.length > 0) {
    const host = validateHostHeader(headers.host, [...policy.hosts]);
    if (!host.ok) {
      return {
        ok: false,
        cause: "host_not_allowed",
        reason: `${hostProblem(headers.host, host.message)}; the server's operator can add it to ${names("allowedHosts")}`,
      };
    }
  }
  const origin = validateOriginHeader(headers.origin, [...policy.origins]);
  // The spec: an Origin present and not allowed gets 403. A page of an allowed name on another scheme or port is
  // another origin; let in, it ran its call while the browser was refused the answer (no CORS headers).
  if (origin.ok && headers.origin && !corsAllowed(headers.origin, policy.configuredOrigins)) {
    const exact = policy.configuredOrigins.filter((entry) => sameName(entry, origin.hostname));
    return {
      ok: false,
      cause: "origin_not_allowed",
      reason: `Origin ${JSON.stringify(headers.origin)} is not allowed: ${origin.hostname} is allowed only as ${exact.join(", ")} (scheme and port included); the server's operator can add it to ${names("allowedOrigins")}, or give the bare name ${origin.hostname} for every scheme and port`,
    };
  }
  if (!origin.ok) {
    return {
      ok: false,
      cause: "origin_not_allowed",
      reason: `Origin ${JSON.stringify(headers.origin ?? "")} is not allowed; the server's operator can add it to ${names("allowedOrigins")}`,
    };
  }
  return { ok: true };
}

/** Whether a configured origin given with its scheme names the host `name`. */
function sameName(entry: string, name: string | undefined): boolean {
  return entry.includes("://") && URL.canParse(entry) && new URL(entry).hostname.toLowerCase() === name?.toLowerCase();
}

/** A hostname as the validators compare it: lower case, IPv6 in brackets, no port. */
function normalizeName(name: string): string {
  const lower = name.trim().toLowerCase();
  if (lower.startsWith("[")) return lower.replace(/\]:\d+$/, "]");
  if ((lower.match(/:/g) ?? []).length > 1) return `[${lower}]`;
  return lower.replace(/:\d+$/, "");
}

/** An allowed origin given as a URL (`https://app.example.com`), a hostname, or `scheme://*`. */
function normalizeOrigin(origin: string): string {
  const value = origin.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\/\*$/i.test(value)) return value.toLowerCase();
  try {
    if (value.includes("://")) return new URL(value).hostname.toLowerCase();
  } catch {
    // Not a URL: treated as a hostname below.
  }
  return normalizeName(value);
}

/** The Host header's problem in one phrase: missing, malformed (the SDK's words), or a name not on the list. */
function hostProblem(header: string | undefined, sdkMessage: string): string {
  if (!header) return "the request has no Host header";
  const shown = JSON.stringify(header);
  // "Invalid Host: x" says no more than "not allowed"; "Invalid Host header: x" means it could not be parsed.
  return /^Invalid Host header/.test(sdkMessage)
    ? `Host ${shown} is not a valid host[:port]`
    : `Host ${shown} is not allowed`;
}
