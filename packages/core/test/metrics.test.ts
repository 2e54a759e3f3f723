import { describe, expect, it } from "vitest";
import { connectClient } from "./clients.js";
import { startServer, TOKEN } from "./metrics-server.js";
import { parseScrape, sampleValue } from "./prometheus-text.js";

// /metrics as Prometheus scrapes it, from a server started the way the bins start: counts after known calls,
// parsed by a Prometheus text-format parser; open on --metrics-port, behind the token on the MCP port.

describe("Prometheus metrics", () => {
  it("counts calls, outcomes, refusals and bytes, and serves them on --metrics-port and behind the token", async () => {
    const running = await startServer(["--metrics-port", "0", "--metrics"]);
    try {
      const http = running.http as NonNullable<typeof running.http>;
      const client = await connectClient({ url: http.url, token: TOKEN });
      for (let i = 0; i < 3; i++) await client.callTool({ name: "echo", arguments: { text: "hi" } });
      await client.callTool({ name: "guarded", arguments: {} });
      await client.callTool({ name: "echo", arguments: { text: 42 } });
      await client.close();
      const refused = await fetch(http.url, {
        method: "POST",
        headers: { authorization: "Bearer wrong", "content-type": "application/json" },
        body: "{}",
      });
      expect(refused.status).toBe(401);

      const open = await fetch(running.metricsUrl as URL);
      expect(open.status).toBe(200);
      expect(open.headers.get("content-type")).toMatch(/^text\/plain/);
      const text = await open.text();
      const families = parseScrape(text);
      // The help names the causes as they are counted (unauthorized for the 401 above), not other words for them.
      const help = text.match(/^# HELP mcp_toolkit_refusals_total (.*)$/m)?.[1] ?? "";
      for (const cause of ["sandbox", "address_policy", "unauthorized", "rate_limited"]) expect(help).toContain(cause);
      const value = (name: string, labels: Record<string, string> = {}) => sampleValue(families, name, labels);
      expect(value("mcp_toolkit_tool_calls_total", { tool: "echo", outcome: "ok" })).toBe(3);
      expect(value("mcp_toolkit_tool_calls_total", { tool: "echo", outcome: "error" })).toBe(1);
      expect(value("mcp_toolkit_tool_calls_total", { tool: "guarded", outcome: "refused" })).toBe(1);
      expect(value("mcp_toolkit_refusals_total", { cause: "sandbox" })).toBe(1);
      expect(value("mcp_toolkit_refusals_total", { cause: "unauthorized" })).toBe(1);
      expect(value("mcp_toolkit_refusals_total")).toBeGreaterThan(0);
      expect(value("mcp_toolkit_tool_call_duration_seconds_count", { tool: "echo" })).toBe(4);
      expect(value("mcp_toolkit_tool_calls_in_flight", { tool: "echo" })).toBe(0);
      expect(value("mcp_toolkit_result_bytes_total", { tool: "echo" })).toBeGreaterThan(0);
      expect(
        value("mcp_server_operation_duration_seconds_count", {
          mcp_method_name: "tools/call",
          gen_ai_tool_name: "echo",
          error_type: "",
        }),
      ).toBe(3);
      expect(families.get("mcp_server_operation_duration_seconds")?.type).toBe("HISTOGRAM");
      expect(families.has("process_cpu_user_seconds_total")).toBe(true);

      const metricsOnMcpPort = new URL("/metrics", http.url);
      expect((await fetch(metricsOnMcpPort)).status).toBe(401);
      const behindToken = await fetch(metricsOnMcpPort, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(behindToken.status).toBe(200);
      expect(parseScrape(await behindToken.text()).has("mcp_toolkit_tool_calls_total")).toBe(true);
    } finally {
      await running.close();
    }
  });

  it("serves no /metrics unless asked", async () => {
    const running = await startServer([]);
    try {
      const url = new URL("/metrics", running.http?.url);
      const answer = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(answer.status).toBe(404);
      expect(running.metricsUrl).toBeUndefined();
    } finally {
      await running.close();
    }
  });
});
