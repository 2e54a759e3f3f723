// A tools/call's span and metrics, from a real SDK client to a server in process, traced and measured with the real
// OpenTelemetry SDK to a receiver on 127.0.0.1, and scraped as Prometheus text.
import { afterEach, describe, expect, it, vi } from "vitest";
import { serveHttp } from "../src/http-server.js";
import { createMetrics } from "../src/metrics.js";
import { type MetricExport, startMetricExport, startTracing, type Tracing } from "../src/telemetry.js";
import { connectClient } from "./clients.js";
import { echoFactory } from "./fixtures.js";
import { otelEnv, type ReceivedSpan, startOtlpReceiver } from "./otlp-receiver.js";
import { parseScrape, sampleValue } from "./prometheus-text.js";

const STATUS_UNSET = 0;
const STATUS_ERROR = 2;
const TOKEN = "tool-telemetry-test-token-0123456789";

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** An echo server in process, its calls traced and measured over OTLP to a receiver and for Prometheus. */
async function observedEcho() {
  const receiver = await startOtlpReceiver();
  const env = otelEnv(receiver);
  const factory = echoFactory();
  const traces: Tracing = await startTracing(env, "mcp-test", "0.0.0");
  const otlp: MetricExport = await startMetricExport(env, "mcp-test", "0.0.0", factory.stats);
  const prometheus = createMetrics(factory.stats);
  stops.push(async () => {
    prometheus.close();
    await Promise.allSettled([otlp.shutdown(), traces.shutdown()]);
  });
  // A 2025-era client cancels with notifications/cancelled.
  const client = await connectClient(factory, "v2@2025-11-25");
  stops.push(() => client.close());
  /** A 2026-07-28 client over Streamable HTTP on 127.0.0.1, where the server is built per request. */
  const overHttp = async () => {
    const endpoint = await serveHttp(factory, { host: "127.0.0.1", port: 0, token: TOKEN });
    stops.push(() => endpoint.close());
    const remote = await connectClient({ url: endpoint.url, token: TOKEN }, "modern");
    stops.push(() => remote.close());
    return remote;
  };
  /** Export what was recorded (spans, the last OTLP figures), and give it with a Prometheus scrape. */
  const exported = async () => {
    const text = await prometheus.scrape();
    await Promise.all([otlp.shutdown(), traces.shutdown()]);
    return { scrape: parseScrape(text), text, spans: receiver.spans, otlp: receiver.metrics, bodies: receiver.bodies };
  };
  return { client, overHttp, exported, stats: factory.stats };
}

describe("a tools/call its client cancels", () => {
  it("is `cancelled` on its span and metrics, not failed, with no error.type", async () => {
    const { client, exported, stats } = await observedEcho();
    await client.callTool({ name: "echo", arguments: { text: "hi" } });
    const aborting = new AbortController();
    const call = client.callTool(
      { name: "slow_echo", arguments: { text: "x", ms: 5000 } },
      { signal: aborting.signal },
    );
    setTimeout(() => aborting.abort(), 100);
    await expect(call).rejects.toThrow();

    // The call has ended when the stats resource counts it.
    await vi.waitFor(() => expect(stats.report().tools.slow_echo?.calls).toBe(1));
    const { scrape, spans, otlp } = await exported();

    const span = spans.find((s) => s.name === "tools/call slow_echo") as ReceivedSpan;
    expect(span.attributes).toMatchObject({ "mcp.tool.outcome": "cancelled", "gen_ai.tool.name": "slow_echo" });
    expect(span.attributes["error.type"]).toBeUndefined();
    expect(span.status.code ?? STATUS_UNSET).not.toBe(STATUS_ERROR);
    expect(stats.report().tools.slow_echo).toMatchObject({ calls: 1, errors: 0 });

    const prom = (name: string, labels: Record<string, string>) => sampleValue(scrape, name, labels);
    expect(prom("mcp_toolkit_tool_calls_total", { tool: "slow_echo", outcome: "cancelled" })).toBe(1);
    expect(prom("mcp_toolkit_tool_calls_total", { tool: "slow_echo", outcome: "error" })).toBe(0);
    const operation = { mcp_method_name: "tools/call", gen_ai_tool_name: "slow_echo", error_type: "" };
    expect(prom("mcp_server_operation_duration_seconds_count", operation)).toBe(1);

    expect(otlp.get("mcp_toolkit.tool.calls")).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ attributes: { tool: "slow_echo", outcome: "cancelled" }, value: 1 }),
        expect.objectContaining({ attributes: { tool: "echo", outcome: "ok" }, value: 1 }),
      ]),
    );
    const durations = (otlp.get("mcp.server.operation.duration") ?? []).filter(
      (p) => p.attributes["gen_ai.tool.name"] === "slow_echo",
    );
    expect(durations.map((p) => [p.attributes["error.type"], p.value])).toEqual([[undefined, 1]]);
  });
});

describe("a tools/call naming a tool the server does not offer", () => {
  it("is a failed `tools/call` span and metrics marked unknown_tool, and the name goes nowhere", async () => {
    const { client, exported, stats } = await observedEcho();
    const name = `no_such_tool_${crypto.randomUUID().slice(0, 8)}`;
    await expect(client.callTool({ name, arguments: {} })).rejects.toThrow(/not found/);
    await client.callTool({ name: "echo", arguments: { text: "still here" } });
    const { scrape, text, spans, otlp, bodies } = await exported();

    const unknown = spans.filter((s) => s.attributes["mcp.tool.outcome"] === "unknown_tool");
    expect(unknown).toEqual([
      expect.objectContaining({
        name: "tools/call",
        kind: 2,
        status: expect.objectContaining({ code: STATUS_ERROR, message: "unknown tool" }),
        attributes: expect.objectContaining({
          "mcp.method.name": "tools/call",
          "error.type": "-32602",
          "rpc.response.status_code": "-32602",
          "network.transport": "pipe",
        }),
      }),
    ]);
    expect(unknown[0]?.attributes["gen_ai.tool.name"]).toBeUndefined();

    const prom = (metric: string, labels: Record<string, string>) => sampleValue(scrape, metric, labels);
    expect(prom("mcp_toolkit_tool_calls_total", { tool: "", outcome: "unknown_tool" })).toBe(1);
    const operation = { mcp_method_name: "tools/call", gen_ai_tool_name: "", error_type: "-32602" };
    expect(prom("mcp_server_operation_duration_seconds_count", operation)).toBe(1);
    expect(otlp.get("mcp_toolkit.tool.calls")).toEqual(
      expect.arrayContaining([expect.objectContaining({ attributes: { outcome: "unknown_tool" }, value: 1 })]),
    );
    expect(otlp.get("mcp.server.operation.duration")).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          attributes: {
            "mcp.method.name": "tools/call",
            "error.type": "-32602",
            "rpc.response.status_code": "-32602",
            "network.transport": "pipe",
            "mcp.protocol.version": "2025-11-25",
          },
          value: 1,
        }),
      ]),
    );

    // Not in a span, a metric or the stats resource, which keeps figures by tool.
    expect(bodies.some((body) => body.includes(name))).toBe(false);
    expect(text).not.toContain(name);
    expect(Object.keys(stats.report().tools)).toEqual(["echo"]);
  });

  it("is the same over HTTP, where only the tools a request calls are registered", async () => {
    const { overHttp, exported } = await observedEcho();
    const remote = await overHttp();
    await expect(remote.callTool({ name: "no_such_tool", arguments: {} })).rejects.toThrow(/not found/);
    const { spans } = await exported();
    expect(spans.filter((s) => s.attributes["mcp.tool.outcome"] === "unknown_tool")).toEqual([
      expect.objectContaining({
        name: "tools/call",
        attributes: expect.objectContaining({
          "error.type": "-32602",
          "network.transport": "tcp",
          "mcp.protocol.version": "2026-07-28",
        }),
      }),
    ]);
  });
});
