import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { useServers } from "../../core/test/built-server.js";
import { callerTraceparent, otelEnv, startOtlpReceiver } from "../../core/test/otlp-receiver.js";
import { tempDir } from "./helpers.js";

// The built bin's tools/call spans carry the bytes a call read and wrote, and a sandbox refusal's cause.

const DIST = fileURLToPath(new URL("../dist", import.meta.url));
const start = useServers(DIST);

/** The packages the built bin requires from node_modules while it starts and stops on a closed stdin. */
function packagesLoaded(env: Record<string, string>): string[] {
  const { dir, cleanup } = tempDir();
  try {
    const hook = join(dir, "hook.cjs");
    writeFileSync(
      hook,
      `const M = require("node:module"); const load = M._load; const seen = new Set();
       M._load = function (request, ...rest) { seen.add(request); return load.call(this, request, ...rest); };
       process.on("exit", () => require("node:fs").writeSync(2, "LOADED " + JSON.stringify([...seen]) + "\\n"));`,
    );
    const run = spawnSync(process.execPath, ["-r", hook, join(DIST, "cli.cjs"), "--root", dir], {
      env: { PATH: process.env.PATH ?? "", ...env },
      input: "",
      encoding: "utf8",
    });
    const line = run.stderr.split("\n").find((l) => l.startsWith("LOADED "));
    return (JSON.parse(line?.slice("LOADED ".length) ?? "[]") as string[]).filter(
      (m) => !m.startsWith("node:") && !m.startsWith("/"),
    );
  } finally {
    cleanup();
  }
}

describe("mcp-filesystem telemetry is loaded only when asked for", () => {
  it("loads no OpenTelemetry or prom-client module without OTEL variables, and OpenTelemetry with them", () => {
    expect(packagesLoaded({}).filter((m) => /opentelemetry|prom-client/.test(m))).toEqual([]);
    const on = packagesLoaded({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9", OTEL_SDK_DISABLED: "false" });
    expect(on).toEqual(expect.arrayContaining(["@opentelemetry/sdk-trace-node", "@opentelemetry/sdk-metrics"]));
  });
});

describe("mcp-filesystem traces", () => {
  it("records bytes written and read on the call's span, and refusals by cause", async () => {
    const receiver = await startOtlpReceiver();
    const { dir: root, cleanup } = tempDir();
    try {
      const server = await start("bin", "stdio", ["--root", root], otelEnv(receiver));
      const write = callerTraceparent();
      await server.client.callTool({
        name: "write_file",
        arguments: { path: "notes.txt", content: "twelve bytes" },
        _meta: { traceparent: write.traceparent },
      });
      const read = callerTraceparent();
      await server.client.callTool({
        name: "read_file",
        arguments: { path: "notes.txt" },
        _meta: { traceparent: read.traceparent },
      });
      const outside = await server.call("read_file", { path: "../outside.txt" });
      expect(outside.isError).toBe(true);
      await server.close();

      const spans = await receiver.waitFor((all) => all.filter((s) => s.name.startsWith("tools/call")).length >= 3);
      const byTrace = (id: string) => spans.find((s) => s.traceId === id);
      expect(byTrace(write.traceId)).toMatchObject({
        name: "tools/call write_file",
        service: "mcp-filesystem",
        attributes: { "mcp_toolkit.file.bytes_written": 12, "mcp.tool.outcome": "ok" },
      });
      expect(byTrace(read.traceId)).toMatchObject({
        name: "tools/call read_file",
        attributes: { "mcp_toolkit.file.bytes_read": 12 },
      });
      const refused = spans.find((s) => s.attributes["mcp.tool.outcome"] === "refused");
      expect(refused?.attributes).toMatchObject({ "mcp.tool.refusal_cause": "sandbox", "error.type": "tool_error" });
    } finally {
      cleanup();
    }
  });

  it("over stdio, exports the same metrics over OTLP: durations, calls by outcome, refusals by cause", async () => {
    const receiver = await startOtlpReceiver();
    const { dir: root, cleanup } = tempDir();
    try {
      const server = await start("bin", "stdio", ["--root", root], otelEnv(receiver));
      await server.call("write_file", { path: "a.txt", content: "one" });
      await server.call("read_file", { path: "a.txt" });
      await server.call("read_file", { path: "a.txt" });
      await server.call("read_file", { path: "../escape.txt" });
      await server.close();
      // The last export, made at shutdown, holds the totals.
      await receiver.waitFor(() => receiver.metrics.has("mcp.server.operation.duration"));
      const points = (name: string) => receiver.metrics.get(name) ?? [];
      const count = (name: string, attributes: Record<string, string>) =>
        points(name).find((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v))?.value;
      expect(points("mcp.server.operation.duration")[0]?.service).toBe("mcp-filesystem");
      expect(count("mcp.server.operation.duration", { "gen_ai.tool.name": "write_file" })).toBe(1);
      // Each says how its request came: over stdio (a pipe), in the revision the client spoke.
      for (const point of points("mcp.server.operation.duration")) {
        expect(point.attributes).toMatchObject({ "network.transport": "pipe", "mcp.protocol.version": "2026-07-28" });
      }
      expect(count("mcp_toolkit.tool.calls", { tool: "read_file", outcome: "ok" })).toBe(2);
      expect(count("mcp_toolkit.tool.calls", { tool: "read_file", outcome: "refused" })).toBe(1);
      expect(count("mcp_toolkit.refusals", { cause: "sandbox" })).toBe(1);
      expect(count("mcp_toolkit.tool.calls_in_flight", { tool: "read_file" })).toBe(0);
    } finally {
      cleanup();
    }
  });

  it("flushes its spans when stopped with SIGINT (Ctrl-C)", async () => {
    const receiver = await startOtlpReceiver();
    const { dir: root, cleanup } = tempDir();
    try {
      // A batch delay longer than the test: only the flush on exit can deliver the span.
      const server = await start("bin", "http", ["--root", root], {
        ...otelEnv(receiver),
        OTEL_BSP_SCHEDULE_DELAY: "600000",
      });
      const caller = callerTraceparent();
      await server.client.callTool({
        name: "list_directory",
        arguments: { path: "." },
        _meta: { traceparent: caller.traceparent },
      });
      expect(receiver.spans).toEqual([]);
      process.kill(server.pid as number, "SIGINT");
      const spans = await receiver.waitFor((all) => all.some((s) => s.traceId === caller.traceId));
      expect(spans.find((s) => s.traceId === caller.traceId)?.name).toBe("tools/call list_directory");
    } finally {
      cleanup();
    }
  });
});
