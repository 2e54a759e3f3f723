import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { callerTraceparent, type OtlpReceiver, startOtlpReceiver } from "../../core/test/otlp-receiver.js";
import { sendQueryCall, tempDir } from "./helpers.js";

// OTEL_PROPAGATORS over stdio, with the built bin (what Claude Desktop and the agent run): the caller's trace comes in
// `params._meta`, the MCP conventions' carrier, in the formats the variable names. Spans go to a receiver on 127.0.0.1.

const BIN = fileURLToPath(new URL("../dist/cli.cjs", import.meta.url));

/** Run the bin with `propagators`, call execute_query once with `meta` as `_meta`, stop it; its spans and stderr. */
async function callWith(receiver: OtlpReceiver, propagators: string, meta: Record<string, string>) {
  const { dir, cleanup } = tempDir();
  afterEach(cleanup);
  const child = spawn(process.execPath, [BIN, "--db", join(dir, "t.db")], {
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      ...process.env,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces`,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_METRICS_EXPORTER: "none",
      OTEL_PROPAGATORS: propagators,
    },
  });
  const exited = once(child, "exit");
  sendQueryCall(child.stdin, "SELECT 1", meta);
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
    if (out.includes('"id":2')) child.stdin.end();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8");
  });
  const [code] = await exited;
  expect(code).toBe(0);
  expect(out).toContain('"rowCount":1');
  const call = receiver.spans.find((span) => span.name === "tools/call execute_query");
  return { call, err };
}

const hex = (n: number) =>
  [...crypto.getRandomValues(new Uint8Array(n))].map((b) => b.toString(16).padStart(2, "0")).join("");

describe("mcp-sqlite over stdio with OTEL_PROPAGATORS", () => {
  it("b3: a single b3 entry in _meta continues the caller's trace", async () => {
    const receiver = await startOtlpReceiver();
    const [traceId, spanId] = [hex(16), hex(8)];
    const { call, err } = await callWith(receiver, "b3", { b3: `${traceId}-${spanId}-1` });
    expect([call?.traceId, call?.parentSpanId]).toEqual([traceId, spanId]);
    expect(err).not.toContain("OTEL_PROPAGATORS");
  }, 15_000);

  it("b3multi: the x-b3-* entries continue the caller's trace", async () => {
    const receiver = await startOtlpReceiver();
    const [traceId, spanId] = [hex(16), hex(8)];
    const meta = { "x-b3-traceid": traceId, "x-b3-spanid": spanId, "x-b3-sampled": "1" };
    const { call } = await callWith(receiver, "b3multi", meta);
    expect([call?.traceId, call?.parentSpanId]).toEqual([traceId, spanId]);
  }, 15_000);

  it("none: the call starts a trace of its own", async () => {
    const receiver = await startOtlpReceiver();
    const caller = callerTraceparent();
    const { call } = await callWith(receiver, "none", { traceparent: caller.traceparent });
    expect(call?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(call?.traceId).not.toBe(caller.traceId);
    expect(call?.parentSpanId ?? "").toBe("");
  }, 15_000);

  it("an unknown value: one warning naming it, and the W3C default carries the trace", async () => {
    const receiver = await startOtlpReceiver();
    const caller = callerTraceparent();
    const { call, err } = await callWith(receiver, "ottrace", { traceparent: caller.traceparent });
    expect([call?.traceId, call?.parentSpanId]).toEqual([caller.traceId, caller.spanId]);
    const warnings = err.split("\n").filter((line) => line.includes("OTEL_PROPAGATORS"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"ottrace", which is not a propagator this process knows (tracecontext, baggage,');
  }, 15_000);
});
