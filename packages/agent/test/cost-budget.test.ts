// --max-budget-usd: what it takes, and when a run's estimated spend has reached it.
import { UsageError } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import { costReason, costSpent, parseBudgetUsd } from "../src/cost-budget.js";

describe("parseBudgetUsd", () => {
  it.each([
    ["5", 5],
    ["0.50", 0.5],
    [".25", 0.25],
    ["$2", 2],
    [" 10000 ", 10_000],
  ])("takes %j as %d dollars", (text, usd) => {
    expect(parseBudgetUsd(text, "claude-sonnet-5-5")).toBe(usd);
  });

  it.each(["0", "-1", "abc", "1e3", "1,5", "", "10000.01", "Infinity", "0x10"])(
    "refuses %j, saying what to give",
    (text) => {
      expect(() => parseBudgetUsd(text, "claude-sonnet-5-5")).toThrow(
        new UsageError(
          `--max-budget-usd ${JSON.stringify(text)}: give dollars, more than 0 and at most 10,000, like 5 or 0.50`,
        ),
      );
    },
  );

  it("refuses a model whose price the agent does not know, pointing at --token-budget", () => {
    expect(() => parseBudgetUsd("5", "my-gateway-model")).toThrow(
      /knows no price for model "my-gateway-model" .*; use --token-budget instead$/,
    );
  });
});

describe("costSpent", () => {
  // Sonnet: $3 in, $15 out per million; cache writes 1.25× input, reads 0.1×.
  const usage = { input: 100_000, output: 10_000, cacheWrite: 0, cacheRead: 0 }; // $0.30 + $0.15
  it.each<[number | undefined, number | undefined]>([
    [undefined, undefined],
    [1, undefined],
    [0.45, 0.45],
    [0.4, 0.45],
  ])("with a budget of %j: %j", (budget, spent) => {
    const got = costSpent("claude-sonnet-5-5", usage, budget);
    if (spent === undefined) expect(got).toBeUndefined();
    else expect(got).toBeCloseTo(spent, 10);
  });

  it("says what to do, for a session and for one task", () => {
    expect(costReason(0.4512, 0.45, false)).toBe(
      "stopped: the run's model requests have used an estimated $0.4512 at list prices, reaching --max-budget-usd 0.45; raise --max-budget-usd or split the task",
    );
    expect(costReason(0.4512, 0.45, true)).toMatch(/start a new session with a larger --max-budget-usd to go on/);
  });
});
