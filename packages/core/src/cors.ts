// Cross-origin answers for browser clients. A page on an origin the Host/Origin guard lets in (loopback ones on a
// loopback server, those given with --allowed-origin) can call the endpoint only if the answers say so: a preflight
// (OPTIONS) before any request that carries a token, then Access-Control-Allow-Origin on every answer, 401s included,
// so the page can read the challenge. Bearer tokens travel in a header, never in cookies: no credentials mode. Pure.
import { KNOWN_FIELDS } from "./propagation.js";

/**
 * Request headers a browser client may send: the token, the body's type, MCP's own, and trace context in every format
 * OTEL_PROPAGATORS may name (W3C, B3 single and multi, Jaeger), read only as far as the formats in force say.
 */
const ALLOWED_HEADERS = ["authorization", "content-type", "accept", "last-event-id", ...KNOWN_FIELDS] as const;

/** Answer headers a browser client needs to read: the session, the revision, a challenge, when to retry. */
const EXPOSED_HEADERS = "mcp-session-id, mcp-protocol-version, www-authenticate, retry-after";

/** How long a browser may keep a preflight's answer, in seconds. */
export const PREFLIGHT_MAX_AGE_S = 600;

/** The headers every answer to a browser request from `origin` (already let in by the guard) carries. */
export function corsHeaders(origin: string): Record<string, string> {
  return {
    "access-control-allow-origin": origin,
    "access-control-expose-headers": EXPOSED_HEADERS,
    vary: "Origin",
  };
}

/** Whether a request is a CORS preflight: OPTIONS from a page, naming the method it means to send. */
export function isPreflight(method: string | undefined, headers: Record<string, unknown>): boolean {
  return method === "OPTIONS" && typeof headers.origin === "string" && "access-control-request-method" in headers;
}

/**
 * The answer to a preflight from `origin` (let in by the guard) for `method` with `headers` (its
 * Access-Control-Request-* values), on an endpoint serving `served` methods: 204 allowing what it may send, which a
 * browser then checks; a method not served gets the same list, and the browser stops there. `privateNetwork`: the
 * preflight asked to reach this server from a public page (Access-Control-Request-Private-Network).
 */
export function preflightHeaders(
  origin: string,
  requested: string | undefined,
  served: readonly string[],
  privateNetwork = false,
) {
  const asked = (requested ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const allowed = asked.filter(
    (name) => (ALLOWED_HEADERS as readonly string[]).includes(name) || name.startsWith("mcp-"),
  );
  return {
    ...corsHeaders(origin),
    "access-control-allow-methods": served.join(", "),
    "access-control-allow-headers": [...new Set([...ALLOWED_HEADERS, "mcp-protocol-version", ...allowed])].join(", "),
    "access-control-max-age": String(PREFLIGHT_MAX_AGE_S),
    // Chrome asks before a public page reaches a private or loopback address (Private Network Access).
    ...(privateNetwork ? { "access-control-allow-private-network": "true" } : {}),
    vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
  };
}

/**
 * Whether a page of `origin`, which the guard let in by its hostname, may read answers: an origin given with a
 * scheme (`https://app.example.com`) is that origin alone, so a page of the same name over plain http, or on another
 * port, is not; a bare name (`app.example.com`), and the loopback names, stand for every scheme and port.
 */
export function corsAllowed(origin: string, configured: readonly string[]): boolean {
  if (!URL.canParse(origin)) return false;
  const page = new URL(origin);
  const name = page.hostname.toLowerCase();
  const exact: string[] = [];
  for (const entry of configured.map((e) => e.trim())) {
    if (!entry.includes("://")) {
      if (entry.toLowerCase() === name) return true;
      continue;
    }
    if (/:\/\/\*$/.test(entry) || !URL.canParse(entry)) continue;
    const url = new URL(entry);
    if (url.hostname.toLowerCase() === name) exact.push(url.origin);
  }
  return exact.length === 0 || exact.includes(page.origin);
}
