import { describe, expect, it } from "vitest";
import { estimateCost, formatSummary, n, RunStats } from "../src/summary.js";

describe("summary", () => {
  it.each([
    ["claude-sonnet-5-5", 3 + 15 + 3.75 + 0.3],
    ["claude-opus-4-7", 5 + 25 + 6.25 + 0.5],
    ["claude-haiku-4-5", 1 + 5 + 1.25 + 0.1],
    ["some-gateway-model", undefined],
  ])("estimateCost(%s) for a million of each token kind", (model, expected) => {
    const cost = estimateCost(model, { input: 1e6, output: 1e6, cacheWrite: 1e6, cacheRead: 1e6 });
    if (expected === undefined) expect(cost).toBeUndefined();
    else expect(cost).toBeCloseTo(expected, 6);
  });

  it.each([
    [0, "0"],
    [999, "999"],
    [1000, "1,000"],
    [1234567, "1,234,567"],
  ])("groups thousands: %d → %s", (value, text) => {
    expect(n(value)).toBe(text);
  });

  it("prints turns, calls per tool with errors and mean latency, tokens and cost", () => {
    const stats = new RunStats();
    stats.turns = 3;
    stats.addCall("db__execute_query", true, 10);
    stats.addCall("db__execute_query", false, 30);
    stats.addUsage({
      input_tokens: 1200,
      output_tokens: 300,
      cache_creation_input_tokens: 900,
      cache_read_input_tokens: 1800,
    });
    const text = formatSummary(stats, "claude-sonnet-5-5");
    expect(text).toContain("3 turns");
    expect(text).toContain("db__execute_query: 2 calls, 1 error, mean 20 ms");
    expect(text).toContain("1,200 in, 300 out, cache 900 written / 1,800 read");
    expect(text).toMatch(/est\. cost \$0\.0\d{3}/);
  });

  it("names a server whose circuit breaker opened, and the calls it failed fast", () => {
    const stats = new RunStats();
    stats.addBreaker("db", "opened");
    stats.addBreaker("db", "refused");
    stats.addBreaker("db", "refused");
    expect(formatSummary(stats, "claude-sonnet-5-5")).toContain(
      "db: unavailable 1× (circuit breaker), 2 calls failed fast",
    );
    expect(stats.toJSON("claude-sonnet-5-5").breakers).toEqual({ db: { opened: 1, refused: 2 } });
  });
});
