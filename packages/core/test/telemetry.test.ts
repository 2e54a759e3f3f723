import { describe, expect, it } from "vitest";
import { noTracing, startTracing, tracing } from "../src/telemetry.js";

const ENDPOINT = "http://127.0.0.1:4318";

describe("startTracing", () => {
  it("starts nothing when no endpoint is set", async () => {
    expect(await startTracing({}, "mcp-test", "0.0.0")).toBe(noTracing);
  });

  it("starts nothing when export is turned off, and leaves the process's tracing a no-op", async () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_TRACES_EXPORTER: "none" };
    expect(await startTracing(env, "mcp-test", "0.0.0")).toBe(noTracing);
    expect(tracing()).toBe(noTracing);
  });
});

describe("noTracing", () => {
  it("runs the work it wraps and carries no trace context", async () => {
    const answer = await noTracing.inSpan("work", {}, async (span) => {
      span.set({ step: 1 });
      return 42;
    });
    expect(answer).toBe(42);
    expect(noTracing.injectMeta()).toEqual({});
  });
});
