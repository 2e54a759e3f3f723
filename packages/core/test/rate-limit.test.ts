import { describe, expect, it } from "vitest";
import { parseRateLimit, TokenBuckets } from "../src/rate-limit.js";
import { errorWith } from "./matchers.js";

describe("parseRateLimit", () => {
  it.each([
    ["10", { perSecond: 10, burst: 10 }],
    ["10/s", { perSecond: 10, burst: 10 }],
    ["120/min", { perSecond: 2, burst: 2 }],
    ["1/m", { perSecond: 1 / 60, burst: 1 }],
    ["3600/h", { perSecond: 1, burst: 1 }],
    ["5/s,burst=20", { perSecond: 5, burst: 20 }],
    [" 0.5 / s ", { perSecond: 0.5, burst: 1 }],
  ])("%j", (text, limit) => {
    expect(parseRateLimit(text)).toEqual(limit);
  });

  // Text it cannot read is of the wrong kind; a rate or burst it reads but below 1 is out of range.
  it.each<[string, typeof TypeError | typeof RangeError, string]>([
    ["fast", TypeError, 'rate limit "fast" is not understood; use e.g. 10/s, 120/min or 5/s,burst=20'],
    ["-1/s", TypeError, 'rate limit "-1/s" is not understood'],
    ["10/week", TypeError, 'rate limit "10/week" is not understood'],
    ["0", RangeError, 'rate limit "0" must be above 0 (e.g. 10/s or 1/h); leave it unset for no limit'],
    ["0/min", RangeError, 'rate limit "0/min" must be above 0'],
    ["0.0/s", RangeError, 'rate limit "0.0/s" must be above 0'],
    ["5/s,burst=0", RangeError, 'rate limit "5/s,burst=0": burst must be at least 1'],
  ])("refuses %j with a %O", (text, kind, message) => {
    expect(() => parseRateLimit(text)).toThrow(errorWith(kind, message));
  });

  it.each([
    ["120/min", 10, { perSecond: 2, burst: 10 }],
    ["50/s", 10, { perSecond: 50, burst: 50 }],
    ["120/min,burst=2", 10, { perSecond: 2, burst: 2 }],
  ])("%j with a smallest default burst of %i", (text, minBurst, limit) => {
    expect(parseRateLimit(text, minBurst)).toEqual(limit);
  });

  it("is off when empty", () => {
    expect(parseRateLimit(undefined)).toBeNull();
    expect(parseRateLimit(" ")).toBeNull();
  });
});

describe("TokenBuckets", () => {
  it("allows a burst, then spaces requests at the rate, per host", () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 2, burst: 2 }, () => now);
    expect([buckets.take("a"), buckets.take("a")]).toEqual([0, 0]);
    expect(buckets.take("a")).toBe(500);
    expect(buckets.take("a")).toBe(1000);
    expect(buckets.take("b")).toBe(0);
    now = 1000;
    expect(buckets.take("a")).toBe(500);
  });

  it("refunds a reservation the caller gave up", () => {
    const buckets = new TokenBuckets({ perSecond: 1, burst: 1 }, () => 0);
    expect(buckets.take("a")).toBe(0);
    expect(buckets.take("a")).toBe(1000);
    buckets.refund("a");
    expect(buckets.take("a")).toBe(1000);
  });
});
