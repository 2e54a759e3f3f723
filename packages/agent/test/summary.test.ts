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

  it("prints turns, calls per tool with errors by type and mean latency, tokens by type and cost", () => {
    const stats = new RunStats();
    stats.turns = 3;
    const target = { server: "db", tool: "execute_query" };
    stats.addCall("db__execute_query", 10, undefined, target);
    stats.addCall("db__execute_query", 30, "tool_error", target);
    stats.addCall("db__execute_write", 20, "tool_error", { server: "db", tool: "execute_write" });
    stats.addCall("db__execute_write", 40, "ToolCallError", { server: "db", tool: "execute_write" });
    stats.addUsage({
      input_tokens: 1200,
      output_tokens: 300,
      cache_creation_input_tokens: 900,
      cache_read_input_tokens: 1800,
    });
    const text = formatSummary(stats, "claude-sonnet-5-5");
    expect(text).toContain("3 turns");
    expect(text).toContain("db__execute_query: 2 calls, 1 error (tool_error), mean 20 ms");
    expect(text).toContain("db__execute_write: 2 calls, 2 errors (1 tool_error, 1 ToolCallError), mean 30 ms");
    // Input is the whole prompt, the cached part included (the API's input_tokens leaves it out), as the metric's.
    expect(text).toContain("tokens: 3,900 input, 300 output, cache 900 written / 1,800 read");
    expect(text).toMatch(/est\. cost \$0\.0\d{3}/);
  });

  // The --json summary names what the agent also exports as metrics by the metric and its attributes (README,
  // "Observe a run"): tokens by gen_ai.token.type; tool calls with gen_ai.tool.name, mcp_toolkit.server, error.type.
  it("names its figures in --json as the metrics and their attributes do", () => {
    const stats = new RunStats();
    stats.turns = 2;
    stats.addCall("db__execute_query", 10, undefined, { server: "db", tool: "execute_query" });
    stats.addCall("db__execute_query", 30, "tool_error", { server: "db", tool: "execute_query" });
    stats.addCall("nowhere__tool", 0, "unknown_tool");
    stats.addUsage({
      input_tokens: 100,
      output_tokens: 20,
      cache_creation_input_tokens: 5,
      cache_read_input_tokens: 7,
    });
    // A reply that broke off: counted as far as it came.
    stats.addInterrupted({ input_tokens: 50, output_tokens: 10 });
    expect(stats.toJSON("claude-sonnet-5-5")).toEqual({
      turns: 2,
      retries: 0,
      interruptedReplies: 1,
      "gen_ai.client.token.usage": { input: 162, output: 30 },
      "gen_ai.usage.cache_creation.input_tokens": 5,
      "gen_ai.usage.cache_read.input_tokens": 7,
      costUsd: expect.any(Number),
      "mcp.client.operation.duration": {
        db__execute_query: {
          "mcp_toolkit.server": "db",
          "gen_ai.tool.name": "execute_query",
          calls: 2,
          errors: 1,
          "error.type": { tool_error: 1 },
          mean_s: 0.02,
        },
        nowhere__tool: { calls: 1, errors: 1, "error.type": { unknown_tool: 1 }, mean_s: 0 },
      },
      breakers: {},
    });
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
