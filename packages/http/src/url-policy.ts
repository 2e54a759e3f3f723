// What may be fetched: a URL's scheme and host, the operator's allowed hosts, and the class of every address dialled.
// Pure: the policy comes in as arguments, and the address classes from address-class.ts.
import { isIP } from "node:net";
import { ipv6PortSlip, optionNames, type SettingNames, type Verdict } from "@mcp-toolkit/core";
import { type AddressClass, classifyAddress, isLocalLoopback } from "./address-class.js";
import { bareHost, effectivePort, urlHost } from "./host-name.js";

/** Everything the policy needs, passed in: no globals. */
export interface UrlPolicy {
  /** `host`, `host:port` or `*.example.com` patterns; when non-empty, only matching hosts are reachable. */
  allowHosts: readonly string[];
  /** Permit loopback, private, link-local and unique-local addresses. */
  allowPrivate: boolean;
  /** Permit loopback alone: 127.0.0.0/8, ::1 and localhost (a local dev API), and no other private range. */
  allowLoopback?: boolean;
  /** How refusals name these settings: the bin's flags, or (by default) the library's options. */
  settingNames?: SettingNames;
}

/** What the check on an address being dialled needs of the policy. */
export type AddressPolicy = Pick<UrlPolicy, "allowPrivate" | "allowLoopback" | "settingNames">;

/** Classes that `allowPrivate` opens; the rest of the non-public classes are never dialled. */
const PRIVATE_CLASSES: ReadonlySet<AddressClass> = new Set(["loopback", "private", "link-local", "unique-local"]);

/** ASCII control characters (C0 and DEL), none of which a URL holds unencoded. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point.
const CONTROL = /[\u0000-\u001f\u007f]/;
/** The port of an absolute URL, digits only. */
const PORT = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(?:\[[^\]]*\]|[^/?#:]*):(\d+)(?:[/?#]|$)/i;

/** Parse a URL the way fetch does and accept only http/https without userinfo. */
export function parseTarget(input: string): Verdict<{ url: URL }> {
  const text = input.trim();
  // The URL parser drops tabs and line breaks wherever they are: "/p\r\nfoo" would be sent to /pfoo, a path the
  // caller never wrote.
  const control = CONTROL.exec(text);
  if (control) {
    const code = `U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
    return {
      ok: false,
      reason: `URL ${JSON.stringify(input)} holds a control character (${code}) at ${input.indexOf(text) + control.index}; nothing was sent: percent-encode it (%0A for a line break) or remove it`,
    };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    const port = PORT.exec(text)?.[1];
    if (port && Number(port) > 65535) {
      return { ok: false, reason: `URL "${input}": port ${port} is out of range; a port is 1–65535` };
    }
    return { ok: false, reason: `malformed URL "${input}": give an absolute http:// or https:// URL` };
  }
  if (url.port === "0")
    return { ok: false, reason: `URL "${input}": port 0 is not one a server listens on; a port is 1–65535` };
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { ok: false, reason: `unsupported scheme "${url.protocol}" in ${input}: only http and https are fetched` };
  }
  if (url.username || url.password) {
    return { ok: false, reason: `URL ${url.host} carries a user:password part; send an Authorization header instead` };
  }
  return { ok: true, url };
}

/** Check a URL before anything is sent: the allowlist, and the address class when the host is an IP or localhost. */
export function checkUrl(url: URL, policy: UrlPolicy): Verdict {
  const host = bareHost(url.hostname);
  const port = effectivePort(url);
  const address = checkHostAddress(host, policy);
  if (policy.allowHosts.length > 0 && !matchesAllowlist(host, port, policy.allowHosts)) {
    const listed = `not in the allowed hosts (${policy.allowHosts.join(", ")})${nearMiss(host, port, policy.allowHosts)}`;
    const allowHosts = (policy.settingNames ?? optionNames)("allowHosts");
    if (address.ok) {
      return {
        ok: false,
        reason: `refused: ${url.host} is ${listed}; the server's operator can add it to ${allowHosts}`,
      };
    }
    // Listing an address the address policy refuses too would only lead to that refusal: name both settings at
    // once, and for an address no setting opens, only why it is never fetched.
    if (!checkHostAddress(host, { ...policy, allowPrivate: true }).ok) return address;
    return { ok: false, reason: `${address.reason}, and add it to ${allowHosts} as well: it is ${listed}` };
  }
  return address;
}

/**
 * The address policy on a host as written, before any lookup: an IP literal by its class, localhost by its name, and
 * any other name passes (what it resolves to is checked at lookup).
 */
export function checkHostAddress(host: string, policy: AddressPolicy): Verdict {
  const bare = bareHost(host);
  if (isIP(bare)) return checkAddress(bare, policy);
  // The name alone: it is never looked up (loopbackAddresses), and allowLoopback opens it as this host's loopback.
  if (isLoopbackName(bare)) return refuse(bare, "loopback", true, policy);
  return { ok: true };
}

/** `localhost` and any name under `.localhost` (RFC 6761): this host's loopback, whatever DNS would say. */
export function isLoopbackName(host: string): boolean {
  const bare = bareHost(host);
  return bare === "localhost" || bare.endsWith(".localhost");
}

/**
 * The addresses a loopback name stands for, in the order dialled (`family` 4 or 6 picks one), answered without a
 * lookup; undefined for any other name, which is looked up.
 */
export function loopbackAddresses(host: string, family?: number): { address: string; family: 4 | 6 }[] | undefined {
  if (!isLoopbackName(host)) return undefined;
  const both = [
    { address: "127.0.0.1", family: 4 as const },
    { address: "::1", family: 6 as const },
  ];
  return family === 4 || family === 6 ? both.filter((a) => a.family === family) : both;
}

/** Check the address a socket is about to connect to. */
export function checkAddress(ip: string, policy: AddressPolicy): Verdict {
  const kind = classifyAddress(ip);
  if (kind === "public") return { ok: true };
  return refuse(ip, kind, kind === "loopback" && isLocalLoopback(ip), policy);
}

/**
 * The verdict on a non-public address. `local` says a loopback one is delivered by this host to itself, which is all
 * allowLoopback opens: an IPv6 transition address (NAT64, 6to4, Teredo) embedding 127.x classes as loopback but
 * leaves the host.
 */
function refuse(what: string, kind: AddressClass, local: boolean, policy: AddressPolicy): Verdict {
  const names = policy.settingNames ?? optionNames;
  if (!PRIVATE_CLASSES.has(kind)) {
    return { ok: false, reason: `refused: ${what} is ${article(kind)} ${kind} address, which is never fetched` };
  }
  if (policy.allowPrivate || (policy.allowLoopback && local)) return { ok: true };
  const refused = `refused: ${what} is ${article(kind)} ${kind} address`;
  // Loopback this host answers itself, which allowLoopback (not set, or it was allowed above) would open.
  if (local) {
    return {
      ok: false,
      reason: `${refused}; the server's operator can allow loopback alone with ${names("allowLoopback", "true")}`,
    };
  }
  const embedded =
    kind === "loopback" ? " that is not this host's own (127.x embedded in an IPv6 transition address)" : "";
  const only = policy.allowLoopback ? `, since ${names("allowLoopback", "true")} opens this host's loopback only` : "";
  return {
    ok: false,
    reason: `${refused}${embedded}; the server's operator can allow these with ${names("allowPrivate", "true")}${only}`,
  };
}

function article(kind: AddressClass): string {
  return kind === "unspecified" ? "an" : "a"; // "a unique-local": unique starts with a consonant sound.
}

/** Does host:port match one of the patterns `host`, `host:port`, `*.suffix` (subdomains only), `[v6]:port`? */
export function matchesAllowlist(host: string, port: number, patterns: readonly string[]): boolean {
  const target = bareHost(host);
  return patterns.some((raw) => {
    const pattern = parsePattern(raw);
    if (!pattern) return false;
    if (pattern.port !== undefined && pattern.port !== port) return false;
    return pattern.wildcard ? target.endsWith(`.${pattern.host}`) : target === pattern.host;
  });
}

/** Why a pattern that seems to name the host does not: a wildcard leaves out its own domain, a port pins one port. */
function nearMiss(host: string, port: number, patterns: readonly string[]): string {
  for (const raw of patterns) {
    const pattern = parsePattern(raw);
    if (pattern?.wildcard && pattern.host === host && (pattern.port === undefined || pattern.port === port)) {
      return ` (${raw.trim()} covers names under ${host}, not ${host} itself)`;
    }
    if (pattern && !pattern.wildcard && pattern.host === host && pattern.port !== port) {
      return ` (${raw.trim()} allows port ${pattern.port} only, and this is port ${port})`;
    }
  }
  return "";
}

interface HostPattern {
  host: string;
  port?: number;
  wildcard: boolean;
}

/** Normalise a pattern through the URL parser, so `127.1` and `127.0.0.1` are one host. Null when invalid. */
export function parsePattern(raw: string): HostPattern | null {
  let text = raw.trim().toLowerCase();
  const wildcard = text.startsWith("*.");
  if (wildcard) text = text.slice(2);
  // A "*" left after the "*." prefix would be a host literally named "*", and a comma joins two hosts: neither matches.
  if (!text || /[/?#@\s*,]/.test(text)) return null;
  // `::1:8080` is an address, but most likely ::1 on port 8080 written without brackets: matching it as the address
  // would refuse that port with no word why, so it is no pattern, and start-up says how to write it.
  if (ipv6PortSlip(text)) return null;
  // A bare IPv6 address (`::1`) has no port to confuse with its colons, and must not be read as having one.
  text = urlHost(text);
  try {
    const url = new URL(`http://${text}`);
    const host = bareHost(url.hostname);
    // The URL parser drops an explicit :80, so read the port from the pattern itself.
    const portMatch = /:(\d+)$/.exec(text);
    return { host, wildcard, ...(portMatch ? { port: Number(portMatch[1]) } : {}) };
  } catch {
    return null;
  }
}
