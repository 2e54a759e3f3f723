import { describe, expect, it } from "vitest";
import { UsageError } from "../src/cli-options.js";
import { metricExportFrom, noTracing, startTracing, traceExportFrom } from "../src/telemetry.js";

const ENDPOINT = "http://127.0.0.1:4318";

describe("traceExportFrom", () => {
  it.each([
    [{}, null],
    [{ OTEL_SERVICE_NAME: "x" }, null],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_SDK_DISABLED: "true" }, null],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_TRACES_EXPORTER: "none" }, null],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT },
      { endpoint: ENDPOINT, protocol: "http/protobuf", serviceName: "mcp-test", signalEndpoint: false },
    ],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_SERVICE_NAME: "mine" },
      { endpoint: ENDPOINT, protocol: "http/json", serviceName: "mine", signalEndpoint: false },
    ],
    [
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${ENDPOINT}/custom`, OTEL_SDK_DISABLED: "false" },
      { endpoint: `${ENDPOINT}/custom`, protocol: "http/protobuf", serviceName: "mcp-test", signalEndpoint: true },
    ],
  ])("%j → %j", (env, expected) => {
    expect(traceExportFrom(env, "mcp-test")).toEqual(expected);
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, /http\/protobuf or http\/json/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_TRACES_EXPORTER: "zipkin" }, /otlp or none/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "not a url" }, /must be a URL/],
  ])("refuses %j at start-up in one line", (env, message) => {
    expect(() => traceExportFrom(env, "mcp-test")).toThrow(UsageError);
    expect(() => traceExportFrom(env, "mcp-test")).toThrow(message);
  });

  it("decides metrics apart: OTEL_METRICS_EXPORTER=none stops them alone, and their own endpoint is used as given", () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_METRICS_EXPORTER: "none" };
    expect(metricExportFrom(env, "mcp-test")).toBeNull();
    expect(traceExportFrom(env, "mcp-test")).not.toBeNull();
    expect(metricExportFrom({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${ENDPOINT}/m` }, "mcp-test")).toMatchObject({
      endpoint: `${ENDPOINT}/m`,
      signalEndpoint: true,
    });
    expect(() =>
      metricExportFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_METRICS_EXPORTER: "prometheus" }, "x"),
    ).toThrow(/OTEL_METRICS_EXPORTER must be otlp or none/);
  });

  it("starts nothing when no endpoint is set", async () => {
    expect(await startTracing({}, "mcp-test", "0.0.0")).toBe(noTracing);
  });
});
