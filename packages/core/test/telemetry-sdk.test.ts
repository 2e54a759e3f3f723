// The spans and metrics of tool calls as a collector receives them in each encoding the exporters offer: protobuf,
// the default, and JSON. The real OpenTelemetry SDK, a real SDK client calling a server in process, a receiver on
// 127.0.0.1 that reads both.
import { afterEach, describe, expect, it } from "vitest";
import { startMetricExport, startTracing } from "../src/telemetry.js";
import { connectClient } from "./clients.js";
import { echoFactory } from "./fixtures.js";
import { callerTraceparent, otelEnv, startOtlpReceiver } from "./otlp-receiver.js";

const SERVER = 2;
const STATUS_ERROR = 2;

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe.each([
  ["http/protobuf", "application/x-protobuf"],
  ["http/json", "application/json"],
])("OTLP over %s", (protocol, contentType) => {
  it("carries the tool call's span under its caller, a failed one's status, and the duration metric", async () => {
    const receiver = await startOtlpReceiver();
    const env = {
      ...otelEnv(receiver),
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_RESOURCE_ATTRIBUTES: "service.instance.id=replica-1",
    };
    const factory = echoFactory();
    const traces = await startTracing(env, "mcp-test", "1.2.3");
    const metrics = await startMetricExport(env, "mcp-test", "1.2.3", factory.stats);
    stops.push(async () => void (await Promise.allSettled([traces.shutdown(), metrics.shutdown()])));
    const client = await connectClient(factory, "v2@2025-11-25");
    stops.push(() => client.close());

    const caller = callerTraceparent();
    await client.callTool({ name: "echo", arguments: { text: "hi" }, _meta: { traceparent: caller.traceparent } });
    const failed = await client.callTool({ name: "echo", arguments: { text: 42 } });
    expect(failed.isError).toBe(true);
    await Promise.all([traces.shutdown(), metrics.shutdown()]);

    expect(new Set(receiver.contentTypes)).toEqual(new Set([contentType]));
    const calls = receiver.spans.filter((s) => s.name === "tools/call echo");
    expect(calls).toEqual([
      expect.objectContaining({
        traceId: caller.traceId,
        parentSpanId: caller.spanId,
        kind: SERVER,
        service: "mcp-test",
        attributes: expect.objectContaining({
          "mcp.method.name": "tools/call",
          "gen_ai.tool.name": "echo",
          "gen_ai.operation.name": "execute_tool",
          "network.transport": "pipe",
          "mcp.protocol.version": "2025-11-25",
          "jsonrpc.request.id": expect.any(String),
          "mcp.tool.outcome": "ok",
        }),
      }),
      expect.objectContaining({
        kind: SERVER,
        status: expect.objectContaining({ code: STATUS_ERROR }),
        attributes: expect.objectContaining({ "mcp.tool.outcome": "error", "error.type": "tool_error" }),
      }),
    ]);
    expect(calls[0]?.status.code ?? 0).not.toBe(STATUS_ERROR);
    expect(calls[1]?.traceId).not.toBe(caller.traceId);

    // The connection's initialize and its other requests are timed too, under their own methods.
    const durations = (receiver.metrics.get("mcp.server.operation.duration") ?? []).filter(
      (p) => p.attributes["mcp.method.name"] === "tools/call",
    );
    expect(durations.map((p) => [p.attributes["error.type"] ?? "none", p.value]).sort()).toEqual([
      ["none", 1],
      ["tool_error", 1],
    ]);
    for (const point of durations) {
      expect(point).toMatchObject({ service: "mcp-test", sum: expect.any(Number) });
      expect(point.attributes).toMatchObject({
        "mcp.method.name": "tools/call",
        "gen_ai.tool.name": "echo",
        "gen_ai.operation.name": "execute_tool",
      });
    }
    expect(receiver.metrics.get("mcp_toolkit.tool.calls")).toEqual(
      expect.arrayContaining([expect.objectContaining({ attributes: { tool: "echo", outcome: "error" }, value: 1 })]),
    );
  });
});
