import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { callerTraceparent, startOtlpReceiver } from "../../core/test/otlp-receiver.js";
import { tempDir } from "./helpers.js";

// A server that stops (its client gone) flushes its spans even when the metrics collector takes the request and
// never answers: the spans must not wait behind the metrics, past the bin's 5 s exit.

const BIN = fileURLToPath(new URL("../dist/cli.cjs", import.meta.url));

/** An OTLP endpoint on 127.0.0.1 that reads each request and never answers it. */
async function silentCollector(): Promise<string> {
  const server = createServer((req) => req.resume());
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  afterEach(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("mcp-sqlite stopping with telemetry on", () => {
  it("exports its last spans though the metrics collector never answers", async () => {
    const receiver = await startOtlpReceiver();
    const silent = await silentCollector();
    const { dir, cleanup } = tempDir();
    try {
      const child = spawn(process.execPath, [BIN, "--db", join(dir, "t.db")], {
        stdio: ["pipe", "pipe", "ignore"],
        env: {
          ...process.env,
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces`,
          OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${silent}/v1/metrics`,
          OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
          // Only the flush at exit sends the spans.
          OTEL_BSP_SCHEDULE_DELAY: "600000",
        },
      });
      const exited = once(child, "exit");
      const caller = callerTraceparent();
      const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
      send({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "test", version: "1" } },
      });
      send({ jsonrpc: "2.0", method: "notifications/initialized" });
      send({
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "execute_query", arguments: { sql: "SELECT 1" }, _meta: { traceparent: caller.traceparent } },
      });
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString("utf8");
        if (out.includes('"id":2')) child.stdin.end();
      });
      await exited;
      expect(out).toContain('"rowCount":1');
      expect(receiver.spans.filter((span) => span.traceId === caller.traceId).map((span) => span.name)).toEqual(
        expect.arrayContaining(["tools/call execute_query", "SELECT"]),
      );
    } finally {
      cleanup();
    }
  }, 15_000);
});
