import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  callerTraceparent,
  type OtlpReceiver,
  startOtlpReceiver,
  startSilentCollector,
} from "../../core/test/otlp-receiver.js";
import { sendQueryCall, tempDir } from "./helpers.js";

// A server that stops (its client gone) flushes its spans: even when the metrics collector takes the request and
// never answers, and when the client, as the agent does, sends SIGTERM soon after closing stdin.

const BIN = fileURLToPath(new URL("../dist/cli.cjs", import.meta.url));
const ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

/**
 * Run the bin over stdio, call execute_query with `sql` under a caller's trace, then close stdin once `ready` says
 * so (the answer came, or the call is under way) and, with `sigterm`, send SIGTERM once the server says it is
 * stopping. Resolves with its exit code and the caller's trace id.
 */
async function callThenStop(
  receiver: OtlpReceiver,
  metricsEndpoint: string,
  sql: string,
  stop: { afterAnswer: boolean; sigterm: boolean },
) {
  const { dir, cleanup } = tempDir();
  afterEach(cleanup);
  const child = spawn(process.execPath, [BIN, "--db", join(dir, "t.db"), "--log-level", "debug"], {
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      ...process.env,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces`,
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${metricsEndpoint}/v1/metrics`,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      // Only the flush at exit sends the spans.
      OTEL_BSP_SCHEDULE_DELAY: "600000",
    },
  });
  const exited = once(child, "exit");
  const caller = callerTraceparent();
  sendQueryCall(child.stdin, sql, { traceparent: caller.traceparent });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
    if (stop.afterAnswer && out.includes('"id":2')) child.stdin.end();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    const before = err;
    err += chunk.toString("utf8");
    // The initialize answer is out and the call sent: it runs until it is stopped.
    if (!stop.afterAnswer && !before.includes("ready on stdio") && err.includes("ready on stdio")) {
      setImmediate(() => child.stdin.end());
    }
    if (stop.sigterm && !before.includes("shutting down") && err.includes("shutting down")) child.kill("SIGTERM");
  });
  const [code] = await exited;
  return { code, out, err, traceId: caller.traceId };
}

const namesIn = (receiver: OtlpReceiver, traceId: string) =>
  receiver.spans.filter((span) => span.traceId === traceId).map((span) => span.name);

describe("mcp-sqlite stopping with telemetry on", () => {
  it("exports its last spans though the metrics collector never answers", async () => {
    const receiver = await startOtlpReceiver();
    const run = await callThenStop(receiver, await startSilentCollector(), "SELECT 1", {
      afterAnswer: true,
      sigterm: false,
    });
    expect(run.out).toContain('"rowCount":1');
    expect(namesIn(receiver, run.traceId)).toEqual(expect.arrayContaining(["tools/call execute_query", "SELECT"]));
    // It stopped waiting for the metrics, and said so: not for the exporter's 10 s, nor until the 5 s forced exit.
    expect(run.err).toMatch(/warn: the last metrics to http:\/\/127\.0\.0\.1:\d+\/v1\/metrics were not delivered/);
    expect(run.code).toBe(0);
  }, 15_000);

  it("exports the span of a call cut short when SIGTERM follows stdin's close, as the agent sends it", async () => {
    const receiver = await startOtlpReceiver();
    const run = await callThenStop(receiver, receiver.endpoint, ENDLESS, { afterAnswer: false, sigterm: true });
    expect(run.code).toBe(0);
    expect(namesIn(receiver, run.traceId)).toEqual(expect.arrayContaining(["tools/call execute_query", "WITH c"]));
  }, 15_000);
});
