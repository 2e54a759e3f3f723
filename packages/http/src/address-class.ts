// What kind of address an IP is, however it is spelled (IPv4-mapped, NAT64, 6to4, Teredo…): the facts the URL
// policy decides on. Pure, and knows nothing of what is allowed.
import { bareHost } from "./host-name.js";

/** What kind of address an IP is, for deciding whether it may be dialled. */
export type AddressClass =
  | "loopback"
  | "private"
  | "link-local"
  | "unique-local"
  | "unspecified"
  | "multicast"
  | "reserved"
  | "public";

/** Classify an IPv4 or IPv6 address (no brackets). Anything unparseable is "reserved", so it is refused. */
export function classifyAddress(ip: string): AddressClass {
  const addr = withoutZone(ip);
  const v4 = parseIPv4(addr);
  if (v4) return classifyIPv4(v4);
  const v6 = parseIPv6(addr);
  return v6 ? classifyIPv6(v6) : "reserved";
}

/** An address without brackets or an IPv6 zone (`fe80::1%eth0`), lower-cased. */
function withoutZone(ip: string): string {
  const bare = bareHost(ip);
  const zone = bare.indexOf("%");
  return zone >= 0 ? bare.slice(0, zone) : bare;
}

type Quad = [number, number, number, number];

function parseIPv4(text: string): Quad | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const nums = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : Number.NaN));
  if (nums.some((n) => !(n >= 0 && n <= 255))) return null;
  return nums as Quad;
}

function classifyIPv4([a, b, c]: Quad): AddressClass {
  if (a === 0) return "unspecified"; // 0.0.0.0/8 "this network": 0.0.0.0 reaches the local host.
  if (a === 127) return "loopback";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "private";
  if (a === 100 && b >= 64 && b <= 127) return "private"; // carrier-grade NAT
  if (a === 169 && b === 254) return "link-local"; // includes the cloud metadata address 169.254.169.254
  if (a >= 224 && a <= 239) return "multicast";
  if (a >= 240) return "reserved"; // includes broadcast 255.255.255.255
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return "reserved"; // IETF protocol assignments, TEST-NET-1
  if (a === 192 && b === 88 && c === 99) return "reserved"; // 6to4 relay anycast
  if (a === 198 && (b === 18 || b === 19)) return "reserved"; // benchmarking
  if ((a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) return "reserved";
  return "public";
}

/** Eight 16-bit groups, or null. Accepts `::` compression and a trailing dotted IPv4. */
function parseIPv6(text: string): number[] | null {
  if (!text.includes(":")) return null;
  let body = text;
  const lastColon = body.lastIndexOf(":");
  const last = body.slice(lastColon + 1);
  if (last.includes(".")) {
    const v4 = parseIPv4(last);
    if (!v4) return null;
    const hex = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);
    body = `${body.slice(0, lastColon + 1)}${hex(v4[0], v4[1])}:${hex(v4[2], v4[3])}`;
  }
  const halves = body.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const head = groups(halves[0] ?? "");
  const rest = groups(halves[1] ?? "");
  if (![...head, ...rest].every((x) => /^[0-9a-f]{1,4}$/.test(x))) return null;
  const hex = (list: string[]) => list.map((x) => Number.parseInt(x, 16));
  if (halves.length === 1) return head.length === 8 ? hex(head) : null;
  const fill = 8 - head.length - rest.length;
  if (fill < 1) return null;
  return [...hex(head), ...new Array<number>(fill).fill(0), ...hex(rest)];
}

function quadFrom(hi: number, lo: number): Quad {
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff];
}

/** Are the first `n` groups of an IPv6 address all zero? */
function zeroFirst(g: readonly number[], n: number): boolean {
  return g.slice(0, n).every((x) => x === 0);
}

function classifyIPv6(g: number[]): AddressClass {
  const w = (i: number) => g[i] ?? 0;
  const zeroUpTo = (n: number) => zeroFirst(g, n);
  if (zeroUpTo(8)) return "unspecified";
  if (zeroUpTo(7) && w(7) === 1) return "loopback";
  // IPv4 embedded in the low 32 bits: mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, translated ::ffff:0:a.b.c.d,
  // and NAT64 64:ff9b::/96. Judge them by the IPv4 address they reach.
  if (zeroUpTo(5) && (w(5) === 0xffff || w(5) === 0)) return embedded(quadFrom(w(6), w(7)));
  if (zeroUpTo(4) && w(4) === 0xffff && w(5) === 0) return embedded(quadFrom(w(6), w(7)));
  if (w(0) === 0x64 && w(1) === 0xff9b && w(2) === 0) return embedded(quadFrom(w(6), w(7)));
  if (w(0) === 0x64 && w(1) === 0xff9b && w(2) === 1) return localUseNat64(g);
  // 6to4 2002:AABB:CCDD::/48 carries the IPv4 address in groups 1-2.
  if (w(0) === 0x2002) return embedded(quadFrom(w(1), w(2)));
  // Teredo 2001:0::/32: server in groups 2-3, client (bit-inverted) in groups 6-7.
  if (w(0) === 0x2001 && w(1) === 0) {
    const server = embedded(quadFrom(w(2), w(3)));
    const client = embedded(quadFrom(w(6) ^ 0xffff, w(7) ^ 0xffff));
    return server !== "public" ? server : client;
  }
  if ((w(0) & 0xffc0) === 0xfe80) return "link-local";
  if ((w(0) & 0xffc0) === 0xfec0) return "private"; // deprecated site-local
  if ((w(0) & 0xfe00) === 0xfc00) return "unique-local";
  if ((w(0) & 0xff00) === 0xff00) return "multicast";
  if (w(0) === 0x2001 && w(1) === 0xdb8) return "reserved"; // documentation
  if (w(0) === 0x100 && zeroUpTo(4)) return "reserved"; // discard-only
  if ((w(0) & 0xe000) !== 0x2000) return "reserved"; // outside global unicast 2000::/3
  return "public";
}

function embedded(quad: Quad): AddressClass {
  return classifyIPv4(quad);
}

/**
 * The local-use NAT64 prefix 64:ff9b:1::/48 (RFC 8215) may be cut at /48, /56, /64 or /96, and each length puts the
 * IPv4 address in other bytes (RFC 6052 §2.2), so reading the last 32 bits alone let 64:ff9b:1:a00:0:100:: (10.0.0.1
 * behind a /48 translator) pass as 0.0.0.0 or, with 8.8.8.8 in its last bits, as public. The address is judged by
 * the first non-public IPv4 address any length reads in it, passing over the ones in 0.0.0.0/8 (the zero bytes a
 * shorter layout reads where a longer one keeps its prefix), unless that is all there is.
 */
function localUseNat64(g: readonly number[]): AddressClass {
  const b = g.flatMap((word) => [word >> 8, word & 0xff]);
  const at = (...i: number[]) => i.map((n) => b[n] ?? 0) as Quad;
  const slash96 = at(12, 13, 14, 15);
  const layouts = [slash96, at(6, 7, 9, 10), at(7, 9, 10, 11), at(9, 10, 11, 12)];
  const kinds = layouts.filter(([first]) => first !== 0).map(classifyIPv4);
  return kinds.find((kind) => kind !== "public") ?? (kinds.length > 0 ? "public" : classifyIPv4(slash96));
}

/** 127.0.0.0/8, ::1 or IPv4-mapped ::ffff:127.x.x.x: addresses this host answers itself. */
export function isLocalLoopback(ip: string): boolean {
  const addr = withoutZone(ip);
  const v4 = parseIPv4(addr);
  if (v4) return v4[0] === 127;
  const g = parseIPv6(addr);
  if (!g) return false;
  const zeroUpTo = (n: number) => zeroFirst(g, n);
  return (zeroUpTo(7) && g[7] === 1) || (zeroUpTo(5) && g[5] === 0xffff && (g[6] ?? 0) >> 8 === 127);
}
