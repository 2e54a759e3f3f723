import { isIP } from "node:net";
import { expandEnvRefs, isHeaderName, unsetRefMessage } from "@mcp-toolkit/core";
import { classifyAddress } from "./address-class.js";
import { bareHost } from "./host-name.js";
import { isManagedHeader } from "./outgoing-request.js";
import { isLoopbackName, matchesAllowlist } from "./url-policy.js";

/** `{"host[:port]" | "*.suffix": {"Header-Name": "value"}}`: headers added to requests for matching hosts. */
export type Credentials = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** Credentials with `${ENV}` / `${ENV:-default}` references expanded, and every secret string that must never be shown. */
export interface ResolvedCredentials {
  rules: readonly { pattern: string; headers: Readonly<Record<string, string>> }[];
  secrets: readonly string[];
}

/** Secrets shorter than this are not redacted: replacing every "ab" in a page would garble it. */
const MIN_SECRET_LENGTH = 4;

/**
 * Expand `${NAME}` and `${NAME:-default}` references from `env`. A reference to an unset or empty variable without
 * a default is a configuration mistake, reported by name (never by value) so the server refuses to start. A header
 * name or value of the wrong kind, or one no HTTP request could carry, is a TypeError (as `new Headers` throws).
 */
export function resolveCredentials(
  credentials: Credentials,
  env: Record<string, string | undefined>,
): ResolvedCredentials {
  const rules: ResolvedCredentials["rules"][number][] = [];
  const secrets = new Set<string>();
  for (const [pattern, headers] of Object.entries(credentials)) {
    if (typeof headers !== "object" || headers === null || Array.isArray(headers)) {
      throw new TypeError(`credentials for "${pattern}" must be an object of header names to values`);
    }
    const expanded: Record<string, string> = {};
    for (const [name, raw] of Object.entries(headers)) {
      if (typeof raw !== "string") throw new TypeError(`credential header ${pattern} ${name} must be a string`);
      if (!isHeaderName(name)) {
        throw new TypeError(`credential header name "${name}" for ${pattern} is not a valid HTTP header name`);
      }
      if (isManagedHeader(name.toLowerCase())) {
        throw new TypeError(
          `credential header ${pattern} ${name} is set by the HTTP client itself, per request (as are Host, Connection, Content-Length and Transfer-Encoding); a fixed value would break every call to that host, so remove it`,
        );
      }
      const { text: value, values, missing } = expandEnvRefs(raw, env);
      const [variable] = missing;
      if (variable !== undefined) throw new Error(`credential header ${pattern} ${name}: ${unsetRefMessage(variable)}`);
      for (const found of values) secrets.add(found);
      if (/[\r\n\0]/.test(value)) throw new TypeError(`credential header ${pattern} ${name} contains a line break`);
      // Else every call to the host would fail with the client's bare "invalid header". The character is a secret's.
      if ([...value].some((c) => (c < " " && c !== "\t") || c === "\x7f" || c > "\xff")) {
        throw new TypeError(
          `credential header ${pattern} ${name} contains a control character or one beyond Latin-1, which no HTTP header can carry (a stray character pasted with a token?); check its value and the variables it names`,
        );
      }
      secrets.add(value);
      for (const part of schemeParts(value)) secrets.add(part);
      expanded[name.toLowerCase()] = value;
    }
    rules.push({ pattern, headers: expanded });
  }
  return { rules, secrets: [...secrets].filter((s) => s.length >= MIN_SECRET_LENGTH) };
}

/**
 * The token inside `Bearer <token>`-style values, which upstreams echo on their own (`{"token": "…"}`), and for
 * Basic the decoded `user:password` and password: written literally in the JSON, none of them is a ${ENV} value.
 */
function schemeParts(value: string): string[] {
  const match = /^(bearer|basic|token|bot)\s+(\S+)$/i.exec(value.trim());
  if (!match?.[1] || !match[2]) return [];
  const token = match[2];
  if (match[1].toLowerCase() !== "basic") return [token];
  const decoded = Buffer.from(token, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  // Only a clean round trip is a real user:password; anything else is an opaque token.
  if (colon < 0 || Buffer.from(decoded, "utf8").toString("base64").replace(/=+$/, "") !== token.replace(/=+$/, "")) {
    return [token];
  }
  return [token, decoded, decoded.slice(colon + 1)];
}

/**
 * Parse credentials JSON text; `where` names the setting it came from (the flag or the environment variable), and the
 * message never quotes the text, which holds secrets.
 */
export function parseCredentialsJson(text: string, where = "MCP_HTTP_CREDENTIALS"): Credentials {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${where} is not valid JSON; expected {"host": {"Header": "value"}}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${where} must be a JSON object like {"host": {"Header": "value"}}`);
  }
  return value as Credentials;
}

/**
 * The credential headers for one request, chosen by the host and port it goes to. Later rules win.
 * Over plain http they go only to loopback or private addresses, never across a network in clear text.
 */
export function credentialHeadersFor(url: URL, port: number, resolved: ResolvedCredentials): Record<string, string> {
  const headers: Record<string, string> = {};
  if (url.protocol !== "https:" && !isLocal(url.hostname)) return headers;
  for (const rule of resolved.rules) {
    if (matchesAllowlist(url.hostname, port, [rule.pattern])) Object.assign(headers, rule.headers);
  }
  return headers;
}

/**
 * The credential headers configured for `url`'s host that plain http kept back, as https would have sent them: none
 * for https, for a local host, or for a host with no credentials. Names only, so a note can say what was not sent.
 */
export function withheldOverHttp(url: URL, port: number, resolved: ResolvedCredentials): string[] {
  if (url.protocol === "https:" || isLocal(url.hostname)) return [];
  const overHttps = new URL(url.href);
  overHttps.protocol = "https:";
  return Object.keys(credentialHeadersFor(overHttps, port, resolved));
}

/** Secrets this long in bytes or longer are also looked for encoded; a shorter one's encodings could occur by chance. */
const MIN_ENCODED_SECRET_BYTES = 8;

/**
 * The spellings of `secret` an upstream may echo, besides the secret itself: URL- and JSON-escaped, hex (lower and
 * upper case), and base64 (standard and URL-safe) at each of the three byte alignments the secret can have inside
 * a longer encoded value, keeping only the characters whose bits all come from the secret. Pure.
 */
export function secretSpellings(secret: string): string[] {
  const spellings = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
  const bytes = Buffer.from(secret, "utf8");
  if (bytes.length < MIN_ENCODED_SECRET_BYTES) return [...new Set(spellings)];
  const hex = bytes.toString("hex");
  spellings.push(hex, hex.toUpperCase());
  for (let lead = 0; lead < 3; lead++) {
    const encoded = Buffer.concat([Buffer.alloc(lead), bytes]).toString("base64");
    // Characters carry 6 bits: skip those holding bits of the bytes before, and stop before those of the bytes after
    // (or, where the value ends with the secret, take its last character too).
    const start = Math.ceil((8 * lead) / 6);
    const own = encoded.slice(start, Math.floor((8 * (lead + bytes.length)) / 6));
    const ending = encoded.slice(start).replace(/=+$/, "");
    for (const form of [own, ending]) spellings.push(form, form.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return [...new Set(spellings)];
}

/**
 * A function that replaces every secret, in each of its spellings (see secretSpellings), with "[redacted]". With
 * `cut` (the text stops at the read cap), a trailing start of a secret is redacted too, so an upstream echoing the
 * secret cannot place it across the cap to show all but its last characters. One pass of one regex over the text,
 * which tries the spellings at each position: linear in the text, times the spellings' length at worst.
 */
export function createRedactor(secrets: readonly string[]): (text: string, cut?: boolean) => string {
  const variants = new Set(secrets.flatMap(secretSpellings));
  const list = [...variants].filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  if (list.length === 0) return (text) => text;
  const pattern = new RegExp(list.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  return (text, cut = false) => {
    const out = text.replace(pattern, "[redacted]");
    return cut ? redactTail(out, list) : out;
  };
}

/** Redact a start of any variant (MIN_SECRET_LENGTH characters or more) left at the end of cut text. */
function redactTail(text: string, variants: readonly string[]): string {
  // Ignore what a cut leaves after the secret: whitespace, and U+FFFD from a split multibyte character.
  const end = text.replace(/[\s\uFFFD]+$/, "").length;
  for (const variant of variants) {
    for (let n = Math.min(variant.length - 1, end); n >= MIN_SECRET_LENGTH; n--) {
      if (text.startsWith(variant.slice(0, n), end - n)) return `${text.slice(0, end - n)}[redacted]`;
    }
  }
  return text;
}

/** Whether a host name is this machine or a private network: localhost, or a non-public IP literal. */
export function isLocal(hostname: string): boolean {
  if (isLoopbackName(hostname)) return true;
  const host = bareHost(hostname);
  return isIP(host) !== 0 && classifyAddress(host) !== "public";
}
