import { flagNames } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import { errorWith } from "../../core/test/matchers.js";
import { HTTP_DEFAULTS, type HttpServerOptions, resolveFetcherOptions } from "../src/server-options.js";

describe("resolveFetcherOptions", () => {
  it("fills in every default, refusing private networks", () => {
    expect(resolveFetcherOptions()).toMatchObject({
      allowHosts: [],
      allowPrivate: false,
      timeoutMs: HTTP_DEFAULTS.timeoutMs,
      maxResponseBytes: HTTP_DEFAULTS.maxResponseBytes,
      maxRedirects: HTTP_DEFAULTS.maxRedirects,
      maxRetries: HTTP_DEFAULTS.maxRetries,
      maxRetryWaitMs: HTTP_DEFAULTS.maxRetryWaitMs,
      rateLimit: null,
    });
  });

  it("reads a rate limit given as text, and expands credentials from the given environment", () => {
    const settingNames = flagNames({});
    const reference = "$" + "{TOKEN}";
    const resolved = resolveFetcherOptions({
      rateLimit: "120/min,burst=20",
      credentials: { "api.example.com": { Authorization: `Bearer ${reference}` } },
      env: { TOKEN: "t0ken-value-long-enough" },
      maxRedirects: 0,
      settingNames,
    });
    expect(resolved.rateLimit).toEqual({ perSecond: 2, burst: 20 });
    expect(resolved.credentials.secrets).toContain("Bearer t0ken-value-long-enough");
    expect(resolved.maxRedirects).toBe(0);
    expect(resolved.settingNames).toBe(settingNames);
  });

  // A value of the wrong kind or shape is a TypeError, a number out of range a RangeError; an unset variable in the
  // environment is neither.
  const unset = "$" + "{NOPE_UNSET}";
  it.each<[string, HttpServerOptions, { readonly name: string }, string]>([
    ["a timeout of 0", { timeoutMs: 0 }, RangeError, "timeoutMs must be a whole number"],
    ["negative retries", { maxRetries: -1 }, RangeError, "maxRetries must be a whole number"],
    [
      "a URL for a host",
      { allowHosts: ["https://api.example.com/"] },
      TypeError,
      'host pattern "https://api.example.com/" is not a host, host:port or *.domain',
    ],
    [
      "a path in a credential's host",
      { credentials: { "api.example.com/v1": { "X-Key": "k" } } },
      TypeError,
      'host pattern "api.example.com/v1" is not a host',
    ],
    [
      "a comma list as one allowed host",
      { allowHosts: ["127.0.0.1:8080,api.example.com"] },
      TypeError,
      'host pattern "127.0.0.1:8080,api.example.com" is not a host, host:port or *.domain: give one host per entry',
    ],
    [
      "a lone * for any host",
      { allowHosts: ["*"] },
      TypeError,
      'host pattern "*" is not a host, host:port or *.domain: to allow any public host, set no allowed hosts at all',
    ],
    [
      "an IPv6 address with a port, unbracketed",
      { allowHosts: ["::1:41731"] },
      TypeError,
      'host pattern "::1:41731" is not a host, host:port or *.domain: an IPv6 address with a port is written in brackets: write [::1]:41731 for that port, or ::1 for any port',
    ],
    [
      "an IPv6 address with a port that is also an address, unbracketed",
      { allowHosts: ["::1:8080"] },
      TypeError,
      'host pattern "::1:8080" could be the IPv6 address ::1:8080 or ::1 with port 8080: write [::1]:8080 for that port, or ::1 for any port ([::1:8080] for the address)',
    ],
    [
      "a credential's host written that way",
      { credentials: { "fe80::1:443": { "X-Key": "k" } } },
      TypeError,
      'host pattern "fe80::1:443" could be the IPv6 address fe80::1:443 or fe80::1 with port 443',
    ],
    [
      "an IPv4 address with two ports, which brackets would not fix",
      { allowHosts: ["10.0.0.1:80:80"] },
      TypeError,
      'host pattern "10.0.0.1:80:80" is not a host, host:port or *.domain (no scheme or path)',
    ],
    ["a * inside a pattern", { allowHosts: ["*.*.example.com"] }, TypeError, 'host pattern "*.*.example.com" is not'],
    ["a rate limit it cannot read", { rateLimit: "fast" }, TypeError, 'rate limit "fast" is not understood'],
    ["a rate of 0", { rateLimit: "0/s" }, RangeError, 'rate limit "0/s" must be above 0'],
    [
      "a rate limit without numbers",
      { rateLimit: { perSecond: "5", burst: 5 } as never },
      TypeError,
      'rateLimit: perSecond must be a number > 0, got "5"',
    ],
    [
      "a burst of 0",
      { rateLimit: { perSecond: 5, burst: 0 } },
      RangeError,
      "rateLimit: burst must be a whole number ≥ 1, got 0",
    ],
    [
      "a misspelt rate key",
      { rateLimit: { persecond: 5, burst: 5 } as never },
      TypeError,
      'rateLimit: unknown option "persecond" — did you mean "perSecond"?',
    ],
    [
      "a rate without its burst",
      { rateLimit: { perSecond: 5 } as never },
      TypeError,
      "rateLimit: option burst is required",
    ],
    [
      "a credential header that is not text",
      { credentials: { "a.example": { "X-Key": 7 as never } } },
      TypeError,
      "credential header a.example X-Key must be a string",
    ],
    [
      "a credential from an unset variable",
      { credentials: { "a.example": { "X-Key": unset } }, env: {} },
      Error,
      `credential header a.example X-Key: ${unset} is not set`,
    ],
  ])("refuses %s with the option's name", (_, options, kind, message) => {
    expect(() => resolveFetcherOptions(options)).toThrow(errorWith(kind, message));
  });
});
