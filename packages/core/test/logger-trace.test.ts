// A JSON log line written inside a traced call carries that call's trace and span ids, as the real OpenTelemetry SDK
// exports them to a receiver on 127.0.0.1: a collector can join the line to its span.
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.js";
import { startTracing } from "../src/telemetry.js";
import { otelEnv, startOtlpReceiver } from "./otlp-receiver.js";

describe("json log lines under tracing", () => {
  it("carry trace_id and span_id of the span they are written in, and none outside one", async () => {
    const receiver = await startOtlpReceiver();
    const traces = await startTracing(otelEnv(receiver), "mcp-test", "0.0.0");
    const lines: string[] = [];
    const log = createLogger("mcp-test", "info", (line) => lines.push(line), "json");
    log.info("before");
    await traces.inSpan("tools/call read_notes", { kind: "server" }, async () => {
      log.warn("inside the call");
      await traces.inSpan("step", {}, async () => log.info("inside a step"));
    });
    log.info("after");
    await traces.shutdown();
    const spans = await receiver.waitFor((all) => all.length >= 2);
    const call = spans.find((span) => span.name === "tools/call read_notes");
    const step = spans.find((span) => span.name === "step");
    const [before, inside, inStep, after] = lines.map((line) => JSON.parse(line));
    expect(before).not.toHaveProperty("trace_id");
    expect(after).not.toHaveProperty("trace_id");
    expect(inside).toMatchObject({ message: "inside the call", trace_id: call?.traceId, span_id: call?.spanId });
    expect(inStep).toMatchObject({ message: "inside a step", trace_id: call?.traceId, span_id: step?.spanId });
    expect(inside.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(inside.span_id).toMatch(/^[0-9a-f]{16}$/);
  });
});
