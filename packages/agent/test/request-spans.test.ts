// Every request the agent sends carries its MCP client span's trace context in `params._meta` while tracing is on,
// the handshake the SDK sends inside connect() included, and nothing at all while it is off. Recorded with the real
// OpenTelemetry SDK, exported to a receiver on 127.0.0.1, against a stdio server that writes down what it was sent.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTracing } from "@mcp-toolkit/core";
import { afterEach, describe, expect, it } from "vitest";
import { otelEnv, startOtlpReceiver } from "../../core/test/otlp-receiver.js";
import type { ServerSpec } from "../src/config.js";
import { requestSpan } from "../src/request-spans.js";
import { ServerPool } from "../src/servers.js";
import { traceRun, traceStartup, traceToolCall } from "../src/telemetry.js";
import { FIXTURE } from "./fixtures/harness.js";

const CLIENT = 3;
const SERVER_TIMEOUT_MS = 10_000;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** The fixture server, recording each message it is sent into a file; returns the spec and a reader of the record. */
function recordingServer(): { spec: ServerSpec; record: () => { method: string; meta?: Record<string, string> }[] } {
  const dir = mkdtempSync(join(tmpdir(), "agent-spans-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "record.jsonl");
  const spec: ServerSpec = {
    kind: "stdio",
    name: "fx",
    command: process.execPath,
    args: [FIXTURE],
    env: { FIXTURE_RECORD: file },
    builtin: false,
  };
  const record = () =>
    readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
  return { spec, record };
}

async function openPool(spec: ServerSpec): Promise<ServerPool> {
  const pool = new ServerPool({ startupTimeoutMs: SERVER_TIMEOUT_MS, env: { PATH: process.env.PATH } });
  cleanups.push(() => pool.close());
  expect(await pool.start([spec])).toEqual([]);
  return pool;
}

const callTool = (pool: ServerPool, tool: string, args: Record<string, unknown>) =>
  traceToolCall(
    { server: "fx", tool, callId: `toolu_${tool}` },
    () => pool.call("fx", tool, args, { timeoutMs: SERVER_TIMEOUT_MS }),
    (r) => ({ ok: r.isError !== true, bytes: 0 }),
  );

describe("requestSpan", () => {
  it.each<[string, Record<string, unknown> | undefined, string, Record<string, unknown>]>([
    ["server/discover", undefined, "server/discover", { "mcp.method.name": "server/discover" }],
    ["tools/call", { name: "echo" }, "tools/call echo", { "gen_ai.tool.name": "echo" }],
    ["prompts/get", { name: "review" }, "prompts/get review", { "gen_ai.prompt.name": "review" }],
    [
      "completion/complete",
      { ref: { type: "ref/prompt", name: "review" } },
      "completion/complete review",
      { "gen_ai.prompt.name": "review" },
    ],
    // A URI is never in the name (each would be a new one), and a very long one is left out.
    ["resources/read", { uri: "file:///a.txt" }, "resources/read", { "mcp.resource.uri": "file:///a.txt" }],
    ["resources/read", { uri: `file:///${"a".repeat(2048)}` }, "resources/read", { "mcp.resource.uri": undefined }],
  ])("%s %j → %s", (method, params, name, attributes) => {
    const span = requestSpan(method, params);
    expect(span.name).toBe(name);
    expect(span.attributes).toMatchObject(attributes);
  });
});

// In this order: the first test runs before the second turns tracing on for the rest of this file's process.
describe("trace context in what the agent sends (real SDK, fixture server on stdio)", () => {
  it("adds no _meta to any request while tracing is off", async () => {
    const { spec, record } = recordingServer();
    const pool = await openPool(spec);
    await callTool(pool, "echo", { text: "hi" });
    const sent = record();
    expect(sent.map((m) => m.method)).toEqual(expect.arrayContaining(["initialize", "tools/list", "tools/call"]));
    // The SDK's own `_meta` (the 2026 probe's envelope) is all there is.
    for (const message of sent) {
      expect([message.method, message.meta?.traceparent, message.meta?.tracestate]).toEqual([
        message.method,
        undefined,
        undefined,
      ]);
    }
  });

  it("puts every request's client span in its _meta, and a restart's handshake under the call that waited for it", async () => {
    const receiver = await startOtlpReceiver();
    const traces = await startTracing(otelEnv(receiver), "mcp-agent", "0.0.0");
    cleanups.push(() => traces.shutdown());
    const { spec, record } = recordingServer();
    const pool = await traceStartup("claude-test", () => openPool(spec), "run-1");
    await traceRun("claude-test", async () => {
      await callTool(pool, "crash", {}).catch(() => {});
      await callTool(pool, "echo", { text: "back" });
    });
    await traces.shutdown();

    const spans = await receiver.waitFor((all) => all.some((s) => s.name === "invoke_agent mcp-agent"));
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const sent = record();
    // The 2026 probe (refused by this 2025-era server), the 2025 handshake, the list's three pages; then, restarted,
    // the handshake again.
    const STARTUP = 6;
    expect(sent.map((m) => m.method)).toEqual([
      "server/discover",
      "initialize",
      "notifications/initialized",
      "tools/list",
      "tools/list",
      "tools/list",
      "tools/call",
      "server/discover",
      "initialize",
      "notifications/initialized",
      "tools/call",
    ]);
    const [startup] = spans.filter((s) => s.name === "create_agent mcp-agent");
    const [run] = spans.filter((s) => s.name === "invoke_agent mcp-agent");
    const [restart] = spans.filter((s) => s.name === "restart fx");
    expect(byId.get(restart?.parentSpanId ?? "")?.name).toBe("tools/call echo");
    for (const [index, message] of sent.entries()) {
      // W3C traceparent: version-traceid-parentid-flags; the parent is the agent's client span of this message.
      const [, traceId, spanId] = message.meta?.traceparent?.split("-") ?? [];
      const client = byId.get(spanId ?? "");
      expect(client).toMatchObject({ traceId, kind: CLIENT, attributes: { "mcp.method.name": message.method } });
      if (message.method === "tools/call") expect(byId.get(client?.parentSpanId ?? "")?.name).toMatch(/^execute_tool /);
      else expect(client?.parentSpanId).toBe(index < STARTUP ? startup?.spanId : restart?.spanId);
      expect(client?.traceId).toBe(index < STARTUP ? startup?.traceId : run?.traceId);
    }
    // The probe the server refused: the JSON-RPC error's code, as the conventions ask.
    const probe = byId.get(sent[0]?.meta?.traceparent?.split("-")[2] ?? "");
    expect(probe?.attributes).toMatchObject({ "rpc.response.status_code": "-32601", "error.type": "-32601" });
    expect(probe?.attributes["jsonrpc.request.id"]).toEqual(expect.any(String));
  }, 30_000);

  it.each([
    ["b3", (meta?: Record<string, string>) => meta?.b3?.split("-").slice(0, 2)],
    ["b3multi", (meta?: Record<string, string>) => [meta?.["x-b3-traceid"], meta?.["x-b3-spanid"]]],
    ["none", () => undefined],
  ])(
    "with OTEL_PROPAGATORS=%s writes its context in that format, or none, and each request has one span",
    async (propagators, idsOf) => {
      const receiver = await startOtlpReceiver();
      const traces = await startTracing({ ...otelEnv(receiver), OTEL_PROPAGATORS: propagators }, "mcp-agent", "0.0.0");
      cleanups.push(() => traces.shutdown());
      const { spec, record } = recordingServer();
      const pool = await traceStartup("claude-test", () => openPool(spec), "run-1");
      await traceRun("claude-test", () => callTool(pool, "echo", { text: "back" }));
      await traces.shutdown();

      const spans = await receiver.waitFor((all) => all.some((s) => s.name === "invoke_agent mcp-agent"));
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      const sent = record();
      expect(sent.map((m) => m.method)).toContain("tools/call");
      for (const message of sent) {
        expect(message.meta?.traceparent).toBeUndefined();
        const ids = idsOf(message.meta);
        if (!ids) continue;
        const client = byId.get(ids[1] ?? "");
        expect(client).toMatchObject({
          traceId: ids[0],
          kind: CLIENT,
          attributes: { "mcp.method.name": message.method },
        });
      }
      // The call's own client span, sent inside it: not a second one, even when no context is written.
      expect(spans.filter((s) => s.name === "tools/call echo")).toHaveLength(1);
      expect(spans.filter((s) => s.kind === CLIENT && s.attributes["mcp.method.name"] === "tools/list").length).toBe(
        sent.filter((m) => m.method === "tools/list").length,
      );
    },
    30_000,
  );
});
