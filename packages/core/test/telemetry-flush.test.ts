// The last spans and metrics, sent with the real OpenTelemetry SDK to collectors on 127.0.0.1: one that answers, and
// one that takes the request and never answers.
import { describe, expect, it } from "vitest";
import { startMetricExport, startTracing } from "../src/telemetry.js";
import { flushTelemetry } from "../src/telemetry-flush.js";
import { ToolStats } from "../src/tool-stats.js";
import { otelEnv, startOtlpReceiver, startRefusingCollector, startSilentCollector } from "./otlp-receiver.js";

/** The OTLP exporter's own timeout, which a collector that never answers would hold a stopping process for. */
const EXPORTER_TIMEOUT_MS = 10_000;

/** Tracing and metrics exporting as `env` says, with a span and a call recorded; their shutdowns. */
async function recorded(env: Record<string, string>) {
  const traces = await startTracing(env, "mcp-test", "0.0.0");
  const stats = new ToolStats();
  const metrics = await startMetricExport(env, "mcp-test", "0.0.0", stats);
  traces.startSpan("tools/call echo", { kind: "server" }).end();
  stats.recordCall("echo", 3, "ok", 10);
  return { spans: () => traces.shutdown(), metrics: () => metrics.shutdown() };
}

describe("flushTelemetry", () => {
  it("delivers the last spans and metrics to a collector that answers, and has nothing to say", async () => {
    const receiver = await startOtlpReceiver();
    const env = otelEnv(receiver);
    expect(await flushTelemetry(await recorded(env), env, "mcp-test")).toBeUndefined();
    expect(receiver.spans.map((s) => s.name)).toEqual(["tools/call echo"]);
    expect(receiver.metrics.has("mcp_toolkit.tool.calls")).toBe(true);
  });

  it("stops waiting for a collector that never answers, well before the exporter would, and says what was lost", async () => {
    const endpoint = await startSilentCollector();
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" };
    const started = performance.now();
    const line = await flushTelemetry(await recorded(env), env, "mcp-test");
    const waited = performance.now() - started;
    expect(waited).toBeLessThan(EXPORTER_TIMEOUT_MS / 2);
    expect(line).toBe(
      `the last spans to ${endpoint}/v1/traces and metrics to ${endpoint}/v1/metrics were not delivered: no answer from the collector within 2 s (it is down, hung or slow), and stopping does not wait longer; check OTEL_EXPORTER_OTLP_ENDPOINT and the collector`,
    );
  });

  it("says what a collector that answered said, when the exporter was still retrying as it asked", async () => {
    const endpoint = await startRefusingCollector(503, "5");
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" };
    const line = await flushTelemetry(await recorded(env), env, "mcp-test");
    expect(line).toBe(
      `the last spans to ${endpoint}/v1/traces (the collector answered 503 Service Unavailable, asking to retry after 5 s, and the exporter was still retrying) and metrics to ${endpoint}/v1/metrics (the collector answered 503 Service Unavailable, asking to retry after 5 s, and the exporter was still retrying) were not delivered within 2 s, and stopping does not wait longer: they are dropped; check OTEL_EXPORTER_OTLP_ENDPOINT and the collector`,
    );
  });

  it("names the variables the late signals' endpoints came from, which are the ones to check", async () => {
    const never = () => new Promise<void>(() => {});
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:1",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:2/t",
    };
    const line = await flushTelemetry({ spans: never, metrics: never }, env, "mcp-test", 10);
    expect(line).toMatch(
      /; check OTEL_EXPORTER_OTLP_TRACES_ENDPOINT and OTEL_EXPORTER_OTLP_ENDPOINT and the collector$/,
    );
    const spansOnly = await flushTelemetry({ spans: never, metrics: async () => {} }, env, "mcp-test", 10);
    expect(spansOnly).toMatch(
      /^the last spans to http:\/\/127\.0\.0\.1:2\/t were not delivered: .*; check OTEL_EXPORTER_OTLP_TRACES_ENDPOINT and the collector$/,
    );
  });

  it("shows an endpoint's user info as ***, never its credentials", async () => {
    const never = () => new Promise<void>(() => {});
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: "https://user:s3cret@127.0.0.1:1" };
    const line = await flushTelemetry({ spans: never, metrics: never }, env, "mcp-test", 10);
    expect(line).toContain(
      "the last spans to https://***@127.0.0.1:1/v1/traces and metrics to https://***@127.0.0.1:1/v1/metrics",
    );
    expect(line).not.toContain("s3cret");
  });
});
