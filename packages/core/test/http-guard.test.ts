import { describe, expect, it } from "vitest";
import { checkRequest, guardPolicy, isLoopbackHost, namedHost, refusedHost } from "../src/http-guard.js";
import { SERVER_OPTIONS } from "../src/server-flags.js";
import { flagNames } from "../src/setting-names.js";

describe("isLoopbackHost", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.8.9.10", true],
    ["localhost", true],
    ["LOCALHOST", true],
    ["::1", true],
    ["[::1]", true],
    ["0.0.0.0", false],
    ["::", false],
    ["10.0.0.5", false],
    ["192.168.1.2", false],
    ["mcp.example.com", false],
    ["127.0.0.1.evil.example", false],
  ])("%s → %s", (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe("checkRequest on a loopback bind", () => {
  const policy = guardPolicy("127.0.0.1");
  it.each([
    ["loopback Host, no Origin (a CLI client)", { host: "127.0.0.1:3000" }, "ok"],
    ["localhost Host", { host: "localhost:3000" }, "ok"],
    ["IPv6 loopback Host", { host: "[::1]:3000" }, "ok"],
    ["a loopback page (the Inspector)", { host: "localhost:3000", origin: "http://localhost:6274" }, "ok"],
    ["rebinding: the attacker's name for 127.0.0.1", { host: "evil.example:3000" }, "host_not_allowed"],
    [
      "rebinding with a matching Origin",
      { host: "evil.example:3000", origin: "http://evil.example:3000" },
      "host_not_allowed",
    ],
    ["a cross-site page", { host: "127.0.0.1:3000", origin: "http://evil.example" }, "origin_not_allowed"],
    ["a cross-site https page", { host: "127.0.0.1:3000", origin: "https://evil.example" }, "origin_not_allowed"],
    ["the opaque null origin", { host: "127.0.0.1:3000", origin: "null" }, "origin_not_allowed"],
    [
      "a lookalike loopback origin",
      { host: "127.0.0.1:3000", origin: "http://127.0.0.1.evil.example" },
      "origin_not_allowed",
    ],
    ["a lookalike Host", { host: "localhost.evil.example:3000" }, "host_not_allowed"],
    ["no Host at all", {}, "host_not_allowed"],
    // Not host[:port]: the SDK's check read these as URLs of localhost; its handler then failed with 500.
    ["a Host with user info", { host: "evil.example@localhost:3000" }, "host_not_allowed"],
    ["a Host with a path", { host: "localhost/x" }, "host_not_allowed"],
    ["a Host with a query", { host: "localhost?x" }, "host_not_allowed"],
    ["a Host with a backslash", { host: "localhost\\x" }, "host_not_allowed"],
    ["a Host with an empty port", { host: "localhost:" }, "ok"],
    ["an unparsable Origin", { host: "127.0.0.1:3000", origin: "::::" }, "origin_not_allowed"],
  ])("%s → %s", (_, headers, expected) => {
    const verdict = checkRequest(headers, policy);
    expect(verdict.ok ? "ok" : verdict.cause).toBe(expected);
  });

  it("names the header and the setting that would allow it, in the library's terms or a bin's", () => {
    expect(checkRequest({ host: "evil.example:3000" }, policy)).toEqual({
      ok: false,
      cause: "host_not_allowed",
      reason: 'Host "evil.example:3000" is not allowed; the server\'s operator can add it to allowedHosts',
    });
    expect(checkRequest({}, policy)).toMatchObject({
      reason: expect.stringMatching(/^the request has no Host header;/),
    });
    expect(checkRequest({ host: "a b:3000" }, policy)).toMatchObject({
      reason: expect.stringMatching(/^Host "a b:3000" is not (allowed|a valid host\[:port\]);/),
    });
    const bin = flagNames(SERVER_OPTIONS);
    expect(checkRequest({ host: "127.0.0.1", origin: "http://evil.example" }, policy, bin)).toEqual({
      ok: false,
      cause: "origin_not_allowed",
      reason:
        'Origin "http://evil.example" is not allowed; the server\'s operator can add it to --allowed-origin ORIGIN (MCP_ALLOWED_ORIGINS)',
    });
  });
});

describe("checkRequest with configured hosts and origins", () => {
  const extra = { hosts: ["mcp.internal:8443"], origins: ["https://app.example.com", "moz-extension://*"] };

  it.each([
    ["127.0.0.1", { host: "mcp.internal" }, true],
    ["127.0.0.1", { host: "127.0.0.1", origin: "https://app.example.com" }, true],
    ["127.0.0.1", { host: "127.0.0.1", origin: "moz-extension://abc-123" }, true],
    ["127.0.0.1", { host: "127.0.0.1", origin: "https://other.example.com" }, false],
    // Elsewhere, only the configured hosts, and never loopback names a page could reach by rebinding.
    ["0.0.0.0", { host: "mcp.internal:8443" }, true],
    ["0.0.0.0", { host: "localhost:8443" }, false],
    ["0.0.0.0", { host: "mcp.internal", origin: "http://localhost:5173" }, false],
    ["0.0.0.0", { host: "mcp.internal", origin: "https://app.example.com" }, true],
    ["0.0.0.0", { host: "mcp.internal", origin: "https://app.example.com:443" }, true],
    // Given with its scheme, an origin is that origin alone, as CORS answers it: the same name elsewhere is refused.
    ["0.0.0.0", { host: "mcp.internal", origin: "http://app.example.com" }, false],
    ["0.0.0.0", { host: "mcp.internal", origin: "https://app.example.com:8443" }, false],
    ["127.0.0.1", { host: "127.0.0.1", origin: "http://app.example.com:8080" }, false],
  ])("bound to %s: %j → %s", (bind, headers, ok) => {
    expect(checkRequest(headers, guardPolicy(bind, extra)).ok).toBe(ok);
  });

  it("lets a bare name, and the loopback names, in on every scheme and port; an exact loopback origin narrows them", () => {
    const bare = guardPolicy("0.0.0.0", { origins: ["app.example.com"] });
    expect(checkRequest({ host: "h", origin: "http://app.example.com:8080" }, bare).ok).toBe(true);
    expect(checkRequest({ host: "h", origin: "https://app.example.com" }, bare).ok).toBe(true);
    const inspector = guardPolicy("127.0.0.1", { origins: ["http://localhost:6274"] });
    expect(checkRequest({ host: "localhost", origin: "http://localhost:6274" }, inspector).ok).toBe(true);
    expect(checkRequest({ host: "localhost", origin: "http://127.0.0.1:5173" }, inspector).ok).toBe(true);
    expect(checkRequest({ host: "localhost", origin: "http://localhost:5173" }, inspector).ok).toBe(false);
  });

  it("says which origin a refused page's name is allowed as, and how to allow every port", () => {
    const bin = flagNames(SERVER_OPTIONS);
    const policy = guardPolicy("0.0.0.0", extra);
    expect(checkRequest({ host: "mcp.internal", origin: "http://app.example.com:8080" }, policy, bin)).toEqual({
      ok: false,
      cause: "origin_not_allowed",
      reason:
        'Origin "http://app.example.com:8080" is not allowed: app.example.com is allowed only as https://app.example.com (scheme and port included); the server\'s operator can add it to --allowed-origin ORIGIN (MCP_ALLOWED_ORIGINS), or give the bare name app.example.com for every scheme and port',
    });
  });

  it("on a public bind with no hosts configured, any Host passes but browser Origins still need listing", () => {
    const open = guardPolicy("0.0.0.0");
    expect(checkRequest({ host: "mcp.example.com" }, open).ok).toBe(true);
    expect(checkRequest({ host: "mcp.example.com", origin: "https://mcp.example.com" }, open).ok).toBe(false);
    // …as long as it is a Host at all.
    expect(checkRequest({ host: "evil.example@mcp.example.com" }, open)).toEqual({
      ok: false,
      cause: "host_not_allowed",
      reason:
        'Host "evil.example@mcp.example.com" is not a valid host[:port]; the client must send a name or address and an optional port',
    });
  });

  it("accepts a bind to a loopback name or address besides 127.0.0.1", () => {
    expect(checkRequest({ host: "127.0.0.2:80" }, guardPolicy("127.0.0.2")).ok).toBe(true);
    expect(checkRequest({ host: "[::1]:80" }, guardPolicy("::1")).ok).toBe(true);
  });
});

describe("refusedHost: the host of the URL clients are told to use (OAuth's resource), if the Host check refuses it", () => {
  it.each<[string, { hosts?: string[] }, string, string | undefined]>([
    ["127.0.0.1", {}, "https://mcp.example.com/sqlite/mcp", "mcp.example.com"],
    ["127.0.0.1", { hosts: ["mcp.example.com"] }, "https://mcp.example.com/sqlite/mcp", undefined],
    ["127.0.0.1", { hosts: ["MCP.example.com:443"] }, "https://mcp.example.com:8443/mcp", undefined],
    ["127.0.0.1", {}, "http://127.0.0.1:3000/mcp", undefined],
    ["127.0.0.1", {}, "http://[::1]:3000/mcp", undefined],
    ["0.0.0.0", {}, "https://mcp.example.com/mcp", undefined],
    ["0.0.0.0", { hosts: ["other.example.com"] }, "https://mcp.example.com/mcp", "mcp.example.com"],
  ])("bound to %s with %j: %s → %s", (bind, extra, url, refused) => {
    expect(refusedHost(url, guardPolicy(bind, extra))).toBe(refused);
  });
});

describe("namedHost", () => {
  it.each([
    ["an origin-form target: its Host", "/mcp", ["Host", "127.0.0.1:3000"], "127.0.0.1:3000"],
    ["a Host in any case", "/mcp?x=1", ["HOST", "localhost"], "localhost"],
    ["no Host", "/mcp", ["Accept", "*/*"], undefined],
    ["an absolute-form target: its authority", "http://evil.example/mcp", ["Host", "127.0.0.1"], "evil.example"],
    ["an absolute-form target with a port", "http://[::1]:8080/mcp", ["Host", "x"], "[::1]:8080"],
    ["the asterisk form", "*", ["Host", "localhost"], "localhost"],
  ])("%s", (_, target, raw, host) => {
    expect(namedHost(target, raw)).toEqual({ ok: true, host });
  });

  it("refuses more than one Host, saying how many", () => {
    expect(namedHost("/mcp", ["Host", "localhost", "host", "evil.example"])).toEqual({
      ok: false,
      reason: expect.stringMatching(/^the request has 2 Host headers, and HTTP\/1\.1 takes exactly one/),
    });
  });
});
