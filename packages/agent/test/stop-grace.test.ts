import { describe, expect, it } from "vitest";
import { STOP_GRACE_MS, stopGraceMs } from "../src/stop-grace.js";

describe("stopGraceMs", () => {
  const endpoint = "http://127.0.0.1:4318";
  it.each([
    ["no telemetry", {}, STOP_GRACE_MS],
    ["an OTLP endpoint", { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }, 2500],
    ["a traces endpoint only", { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint }, 2500],
    ["a metrics endpoint only", { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: endpoint }, 2500],
    ["an endpoint, with the SDK disabled", { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SDK_DISABLED: "true" }, 1500],
    [
      "an endpoint, with both exporters none",
      { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_EXPORTER: "none", OTEL_METRICS_EXPORTER: "none" },
      1500,
    ],
    ["an endpoint that is not a URL (the server refuses it and stops)", { OTEL_EXPORTER_OTLP_ENDPOINT: "nope" }, 1500],
  ])("%s: %i ms", (_what, env, ms) => {
    expect(stopGraceMs(env)).toBe(ms);
  });
});
