import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { connectClient } from "./clients.js";
import { startServer, TOKEN } from "./metrics-server.js";
import { parseScrape } from "./prometheus-text.js";

// examples/grafana-dashboard.json queries only series a server really exposes: every metric name in its PromQL is
// found, with samples, in a scrape taken after a call that answers and one that is refused.

const DASHBOARD = new URL("../../../examples/grafana-dashboard.json", import.meta.url);

/** PromQL words that are not metric names: functions, aggregations and their clauses. */
const PROMQL_WORDS = new Set(["sum", "rate", "by", "without", "histogram_quantile", "le"]);

/** The metric names an expression selects: what is left once label matchers, ranges and clauses are taken out. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(?:by|without)\s*\([^)]*\)/g, " ");
  return [...bare.matchAll(/[A-Za-z_:][\w:]*/g)].map((m) => m[0]).filter((word) => !PROMQL_WORDS.has(word));
}

describe("examples/grafana-dashboard.json", () => {
  it("queries only metrics a scrape has", async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, "utf8")) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const queried = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricNames(t.expr))));
    expect([...queried]).toEqual(
      expect.arrayContaining(["mcp_toolkit_tool_calls_total", "mcp_server_operation_duration_seconds_bucket"]),
    );
    const running = await startServer(["--metrics-port", "0"]);
    try {
      const client = await connectClient({ url: running.http?.url as URL, token: TOKEN });
      await client.callTool({ name: "echo", arguments: { text: "hi" } });
      await client.callTool({ name: "guarded", arguments: {} });
      await client.close();
      const families = parseScrape(await (await fetch(running.metricsUrl as URL)).text());
      const missing = [...queried].filter((name) => (families.get(name)?.metrics.length ?? 0) === 0);
      expect(missing).toEqual([]);
    } finally {
      await running.close();
    }
  });
});
