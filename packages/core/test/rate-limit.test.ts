import { describe, expect, it } from "vitest";
import { parseRateLimit, TokenBuckets } from "../src/rate-limit.js";

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

  it.each(["fast", "0", "-1/s", "10/week", "5/s,burst=0"])("refuses %j", (text) => {
    expect(() => parseRateLimit(text)).toThrow(/rate limit/);
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
