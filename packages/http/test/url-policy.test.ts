import { describe, expect, it } from "vitest";
import {
  checkAddress,
  checkHostAddress,
  checkUrl,
  isLoopbackName,
  loopbackAddresses,
  matchesAllowlist,
  parseTarget,
  type UrlPolicy,
} from "../src/url-policy.js";

const open: UrlPolicy = { allowHosts: [], allowPrivate: false };

function verdictFor(input: string, policy = open) {
  const parsed = parseTarget(input);
  if (!parsed.ok) return parsed;
  return checkUrl(parsed.url, policy);
}

describe("parseTarget", () => {
  it.each([
    ["not a url", "malformed URL"],
    ["", "malformed URL"],
    ["//example.com/x", "malformed URL"],
    ["ftp://example.com/", 'unsupported scheme "ftp:"'],
    ["file:///etc/passwd", 'unsupported scheme "file:"'],
    ["javascript:alert(1)", 'unsupported scheme "javascript:"'],
    ["http://user:pw@example.com/", "user:password"],
    ["http://[::1/", "malformed URL"],
    // The URL parser would drop these and send what the caller never wrote: /pfoo, or another host.
    ["http://example.com/p\r\nfoo", "holds a control character (U+000D) at 20; nothing was sent"],
    ["http://exa\tmple.com/", "holds a control character (U+0009) at 10"],
    ["http://example.com/?q=a\u0000b", "(U+0000)"],
    ["http://example.com/\u007f", "(U+007F)"],
    ["http://127.0.0.1:99999/x", "port 99999 is out of range; a port is 1–65535"],
    ["http://example.com:0/", "port 0 is not one a server listens on"],
    // Counted in the URL as given, leading spaces and all.
    ["  http://example.com/p\u0000q", "(U+0000) at 22;"],
    ["https://user@example.com:70000", "port 70000 is out of range"],
    ["http://[::1]:123456/", "port 123456 is out of range"],
  ])("refuses %j", (input, reason) => {
    const result = parseTarget(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it.each([
    ["https://example.com/a?b=c", "example.com"],
    ["  http://EXAMPLE.com:8080/  ", "example.com"],
    // A line break around the URL (a model's copy) is trimmed, not refused.
    ["\nhttps://example.com/x\r\n", "example.com"],
    ["http://example.com:65535/", "example.com"],
  ])("accepts %j", (input, hostname) => {
    const result = parseTarget(input);
    expect(result.ok && result.url.hostname).toBe(hostname);
  });
});

/** Spellings of this host's own loopback: the URL parser and classifier must see through every one. */
const LOCAL_LOOPBACK = [
  "http://127.0.0.1/",
  "http://2130706433/",
  "http://0x7f000001/",
  "http://0x7f.0.0.1/",
  "http://0177.0.0.1/",
  "http://127.1/",
  "http://127.0.1/",
  "http://127.255.255.254:8080/",
  "http://[::1]/",
  "http://[0:0:0:0:0:0:0:1]/",
  "http://[::ffff:127.0.0.1]/",
  "http://[::ffff:7f00:1]/",
  "http://localhost/",
  "http://localhost./",
  "http://LOCALHOST:3000/",
  "http://app.localhost/",
];

/** 127.x inside an IPv6 transition address: classed as loopback, but the packets leave this host. */
const EMBEDDED_LOOPBACK = [
  "http://[::127.0.0.1]/",
  "http://[::ffff:0:127.0.0.1]/",
  "http://[64:ff9b::127.0.0.1]/",
  "http://[64:ff9b:1::127.0.0.1]/",
  "http://[64:ff9b:1:7f00:0:100::]/",
  "http://[64:ff9b:1:7f00:0:100:808:808]/",
  "http://[2002:7f00:1::]/",
];

describe("loopback spellings are refused by default and allowed with allowPrivate", () => {
  it.each(LOCAL_LOOPBACK)("%s", (input) => {
    const refused = verdictFor(input);
    expect(refused.ok).toBe(false);
    if (!refused.ok)
      expect(refused.reason).toMatch(
        /is a loopback address; the server's operator can allow loopback alone with allowLoopback: true$/,
      );
    expect(verdictFor(input, { allowHosts: [], allowPrivate: true })).toEqual({ ok: true });
  });

  it.each(EMBEDDED_LOOPBACK)("%s, which only allowPrivate opens", (input) => {
    const refused = verdictFor(input);
    expect(refused.ok).toBe(false);
    if (!refused.ok)
      expect(refused.reason).toMatch(
        /is a loopback address that is not this host's own \(127\.x embedded in an IPv6 transition address\); the server's operator can allow these with allowPrivate: true$/,
      );
    expect(verdictFor(input, { allowHosts: [], allowPrivate: true })).toEqual({ ok: true });
  });

  it("names the normalised address in the message", () => {
    expect(verdictFor("http://2130706433/")).toEqual({
      ok: false,
      reason:
        "refused: 127.0.0.1 is a loopback address; the server's operator can allow loopback alone with allowLoopback: true",
    });
  });
});

describe("allowLoopback opens this host's loopback and nothing else", () => {
  const loopbackOnly: UrlPolicy = { allowHosts: [], allowPrivate: false, allowLoopback: true };

  it.each(LOCAL_LOOPBACK)("allows %s", (input) => {
    expect(verdictFor(input, loopbackOnly)).toEqual({ ok: true });
  });

  it.each([
    ...EMBEDDED_LOOPBACK.map((url): [string, string] => [url, "is a loopback address that is not this host's own"]),
    ["http://10.0.0.1/", "refused: 10.0.0.1 is a private address"],
    ["http://172.16.0.1/", "refused: 172.16.0.1 is a private address"],
    ["http://172.31.255.254/", "refused: 172.31.255.254 is a private address"],
    ["http://192.168.1.1:3000/", "refused: 192.168.1.1 is a private address"],
    ["http://100.64.0.1/", "refused: 100.64.0.1 is a private address"],
    ["http://169.254.169.254/latest/meta-data/", "refused: 169.254.169.254 is a link-local address"],
    ["http://[::ffff:169.254.169.254]/", "refused: ::ffff:a9fe:a9fe is a link-local address"],
    ["http://[::ffff:10.0.0.1]/", "refused: ::ffff:a00:1 is a private address"],
    ["http://[fe80::1]/", "refused: fe80::1 is a link-local address"],
    ["http://[fd00::1]/", "refused: fd00::1 is a unique-local address"],
    ["http://[fec0::1]/", "refused: fec0::1 is a private address"],
    ["http://0x0a000001/", "refused: 10.0.0.1 is a private address"],
  ])("refuses %s", (input, start) => {
    const verdict = verdictFor(input, loopbackOnly);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) {
      expect(verdict.reason).toContain(start);
      expect(verdict.reason).toMatch(
        /; the server's operator can allow these with allowPrivate: true, since allowLoopback: true opens this host's loopback only$/,
      );
    }
  });

  it.each([
    ["0.0.0.0", "an unspecified address, which is never fetched"],
    ["::", "an unspecified address, which is never fetched"],
    ["224.0.0.1", "a multicast address, which is never fetched"],
    ["255.255.255.255", "a reserved address, which is never fetched"],
  ])("still never dials %s", (ip, text) => {
    expect(checkAddress(ip, { allowPrivate: false, allowLoopback: true })).toEqual({
      ok: false,
      reason: `refused: ${ip} is ${text}`,
    });
  });

  it("still keeps to the allowed hosts", () => {
    const policy = { ...loopbackOnly, allowHosts: ["127.0.0.1:3000"] };
    expect(verdictFor("http://127.0.0.1:3000/", policy)).toEqual({ ok: true });
    expect(verdictFor("http://127.0.0.1:5432/", policy).ok).toBe(false);
    expect(verdictFor("http://localhost:3000/", policy).ok).toBe(false);
  });

  it("names the bin's flags when the bin configured it", () => {
    const flags = (option: string) => `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    expect(checkAddress("10.0.0.1", { allowPrivate: false, allowLoopback: true, settingNames: flags })).toEqual({
      ok: false,
      reason:
        "refused: 10.0.0.1 is a private address; the server's operator can allow these with --allow-private, since --allow-loopback opens this host's loopback only",
    });
  });
});

describe("checkAddress", () => {
  it.each([
    ["10.1.2.3", "a private address; the server's operator can allow these with allowPrivate: true"],
    ["169.254.169.254", "a link-local address; the server's operator can allow these with allowPrivate: true"],
    ["fd00::1", "a unique-local address; the server's operator can allow these with allowPrivate: true"],
    ["0.0.0.0", "an unspecified address, which is never fetched"],
    ["224.0.0.1", "a multicast address, which is never fetched"],
  ])("checkAddress refuses %s as %s", (ip, text) => {
    expect(checkAddress(ip, { allowPrivate: false })).toEqual({ ok: false, reason: `refused: ${ip} is ${text}` });
  });

  it.each([
    ["0.0.0.0", false],
    ["::", false],
    ["ff02::1", false],
    ["10.0.0.1", true],
    ["fd00::1", true],
  ])("with allowPrivate, %s allowed: %s", (ip, allowed) => {
    expect(checkAddress(ip, { allowPrivate: true }).ok).toBe(allowed);
  });
});

describe("allowlist", () => {
  const patterns = ["api.example.com", "svc.test:8443", "*.example.org", "127.1:9000", "[::1]:8080"];
  it.each<[string, number, boolean]>([
    ["api.example.com", 443, true],
    ["api.example.com", 80, true],
    ["API.EXAMPLE.COM.", 443, true],
    ["www.example.com", 443, false],
    ["example.com", 443, false],
    ["svc.test", 8443, true],
    ["svc.test", 443, false],
    ["a.example.org", 443, true],
    ["deep.a.example.org", 80, true],
    ["example.org", 443, false],
    ["evilexample.org", 443, false],
    ["example.org.evil.com", 443, false],
    ["127.0.0.1", 9000, true],
    ["127.0.0.1", 9001, false],
    ["::1", 8080, true],
    ["[::1]", 8080, true],
  ])("%s:%d → %s", (host, port, allowed) => {
    expect(matchesAllowlist(host, port, patterns)).toBe(allowed);
  });

  it.each<[string, string, number, boolean]>([
    ["::1", "::1", 8080, true],
    ["::1", "[::1]", 443, true],
    ["0:0:0:0:0:0:0:1", "::1", 80, true],
    ["fd00::1", "fd00::2", 80, false],
  ])("takes a bare IPv6 pattern %s: %s:%d → %s", (pattern, host, port, allowed) => {
    expect(matchesAllowlist(host, port, [pattern])).toBe(allowed);
  });

  it("ignores invalid patterns instead of matching everything", () => {
    expect(matchesAllowlist("example.com", 443, ["", "*.", "http://example.com/", "a b"])).toBe(false);
  });

  // `::1:8080` is refused at start-up (server-options.ts); a library caller who skips that check matches nothing.
  it.each<[string, string, number, boolean]>([
    ["::1:8080", "::1", 8080, false],
    ["::1:8080", "::1:8080", 80, false],
    ["[::1:8080]", "::1:8080", 80, true],
    ["[::1]:8080", "::1", 8080, true],
    ["fe80::1", "fe80::1", 80, true],
    ["2001:db8::1", "2001:db8::1", 443, true],
  ])("takes %s only in brackets: %s:%d → %s", (pattern, host, port, allowed) => {
    expect(matchesAllowlist(host, port, [pattern])).toBe(allowed);
  });

  it("refuses hosts outside the list with a message naming the setting", () => {
    const verdict = verdictFor("https://other.example/", { allowHosts: ["api.example.com"], allowPrivate: false });
    expect(verdict).toEqual({
      ok: false,
      reason:
        "refused: other.example is not in the allowed hosts (api.example.com); the server's operator can add it to allowHosts",
    });
  });

  it.each([
    [
      "https://example.org/",
      "*.example.org",
      " (*.example.org covers names under example.org, not example.org itself)",
    ],
    ["https://svc.test/", "svc.test:8443", " (svc.test:8443 allows port 8443 only, and this is port 443)"],
    ["https://other.example/", "*.example.org", ""],
  ])("says why %s is not in %s when the pattern seems to name it", (url, pattern, why) => {
    expect(verdictFor(url, { allowHosts: [pattern], allowPrivate: false })).toEqual({
      ok: false,
      reason: `refused: ${new URL(url).host} is not in the allowed hosts (${pattern})${why}; the server's operator can add it to allowHosts`,
    });
  });

  // Adding such a host to the list alone would only lead to the address policy's refusal.
  it.each([
    [
      "http://10.0.0.1/",
      {},
      "refused: 10.0.0.1 is a private address; the server's operator can allow these with allowPrivate: true, and add it to allowHosts as well: it is not in the allowed hosts (api.example.com)",
    ],
    [
      "http://169.254.169.254/latest/",
      { allowLoopback: true },
      "refused: 169.254.169.254 is a link-local address; the server's operator can allow these with allowPrivate: true, since allowLoopback: true opens this host's loopback only, and add it to allowHosts as well: it is not in the allowed hosts (api.example.com)",
    ],
    [
      "http://127.0.0.2:8080/",
      {},
      "refused: 127.0.0.2 is a loopback address; the server's operator can allow loopback alone with allowLoopback: true, and add it to allowHosts as well: it is not in the allowed hosts (api.example.com)",
    ],
    ["http://0.0.0.0/", {}, "refused: 0.0.0.0 is an unspecified address, which is never fetched"],
    [
      "http://127.0.0.2:8080/",
      { allowLoopback: true },
      "refused: 127.0.0.2:8080 is not in the allowed hosts (api.example.com); the server's operator can add it to allowHosts",
    ],
  ])("names every setting %s needs when it is outside the list", (url, extra, reason) => {
    const policy = { allowHosts: ["api.example.com"], allowPrivate: false, ...extra };
    expect(verdictFor(url, policy)).toEqual({ ok: false, reason });
  });

  it("still needs allowPrivate for an allowlisted loopback host", () => {
    const policy = { allowHosts: ["127.0.0.1"], allowPrivate: false };
    expect(verdictFor("http://127.0.0.1/", policy).ok).toBe(false);
    expect(verdictFor("http://127.0.0.1/", { ...policy, allowPrivate: true }).ok).toBe(true);
  });
});

describe("loopbackAddresses: localhost and *.localhost answered without DNS (RFC 6761)", () => {
  const both = [
    { address: "127.0.0.1", family: 4 },
    { address: "::1", family: 6 },
  ];
  it.each([
    ["localhost", undefined, both],
    ["app.localhost", undefined, both],
    ["A.B.LocalHost.", 0, both],
    ["api.localhost", 4, [both[0]]],
    ["api.localhost", 6, [both[1]]],
    ["localhost.example.com", undefined, undefined],
    ["notlocalhost", undefined, undefined],
    ["localhost-api.test", undefined, undefined],
    ["127.0.0.1", undefined, undefined],
  ])("%s (family %s)", (host, family, expected) => {
    expect(loopbackAddresses(host, family)).toEqual(expected);
    expect(isLoopbackName(host)).toBe(expected !== undefined);
  });
});

describe("checkHostAddress: a host as written, before any lookup", () => {
  it.each([
    ["10.0.0.5", open, "refused: 10.0.0.5 is a private address"],
    ["[::1]", open, "refused: ::1 is a loopback address"],
    ["LOCALHOST.", open, "refused: localhost is a loopback address"],
    ["api.localhost", { ...open, allowLoopback: true }, true],
    ["api.localhost", open, "refused: api.localhost is a loopback address"],
    ["notlocalhost", open, true],
    ["10.0.0.5", { ...open, allowLoopback: true }, "refused: 10.0.0.5 is a private address"],
    ["0.0.0.0", { ...open, allowPrivate: true }, "which is never fetched"],
    ["api.example.com", open, true],
    ["93.184.216.34", open, true],
  ])("%s with %j", (host, policy, expected) => {
    const verdict = checkHostAddress(host, policy);
    if (expected === true) expect(verdict).toEqual({ ok: true });
    else expect(verdict.ok === false && verdict.reason).toContain(expected);
  });
});
