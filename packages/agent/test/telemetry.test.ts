import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { otelEnv, type ReceivedSpan, startOtlpReceiver, startSilentCollector } from "../../core/test/otlp-receiver.js";
import { serverEnv, startAgentMetrics } from "../src/telemetry.js";
import { calls, done, startFakeApi, use } from "./fixtures/fake-api.js";
import { startAgent } from "./fixtures/procs.js";

// One trace from the model's turn to the SQL statement: the built agent, against the scripted Messages API, with its
// three built-in servers (started from their snapshots, as the agent starts them), exporting to an OTLP receiver.

const SERVER = 2;
const CLIENT = 3;
/** The OTLP exporter's own timeout, which a collector that never answers would hold the exit for. */
const EXPORTER_TIMEOUT_MS = 10_000;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** An upstream on 127.0.0.1 for the api server's http_get. */
async function upstream(): Promise<string> {
  const server = createServer((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("pong"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("mcp-agent traces (built bins)", () => {
  it("one trace covers the agent and its three servers, each span under the right parent, with no secret", async () => {
    const receiver = await startOtlpReceiver();
    const origin = await upstream();
    const api = await startFakeApi([
      calls(use("db__execute_write", { sql: "CREATE TABLE notes (body TEXT)" })),
      calls(
        use("db__execute_write", { sql: "INSERT INTO notes (body) VALUES (?)", params: ["BOUND-SECRET-1"] }),
        use("file__write_file", { path: "a.txt", content: "hello" }),
        use("api__http_get", { url: `${origin}/ping?key=QUERY-SECRET-2` }),
      ),
      done("All done."),
    ]);
    cleanups.push(() => api.close());
    const dir = mkdtempSync(join(tmpdir(), "agent-otel-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const env = {
      PATH: process.env.PATH,
      ANTHROPIC_API_KEY: "API-KEY-SECRET-3",
      ANTHROPIC_BASE_URL: api.url,
      MCP_HTTP_ALLOW_PRIVATE: "1",
      ...otelEnv(receiver),
      OTEL_SERVICE_NAME: "my-agent",
    };
    const r = await startAgent(["--workspace", join(dir, "ws"), "take notes"], env, { cwd: dir }).exited;
    expect(r.code).toBe(0);

    const named = (all: ReceivedSpan[], name: string) => all.filter((s) => s.name === name);
    const spans = await receiver.waitFor(
      (all) =>
        named(all, "invoke_agent mcp-agent").length === 1 &&
        ["mcp-sqlite", "mcp-filesystem", "mcp-http"].every((service) => all.some((s) => s.service === service)) &&
        all.some((s) => s.name === "GET") &&
        all.filter((s) => s.kind === SERVER && s.attributes["mcp.method.name"] === "tools/list").length === 3 &&
        all.filter((s) => s.attributes["db.system.name"] === "sqlite").length >= 2 &&
        receiver.metrics.has("mcp.client.operation.duration") &&
        receiver.metrics.has("gen_ai.client.token.usage"),
    );
    const [runSpan] = named(spans, "invoke_agent mcp-agent");
    expect(runSpan?.service).toBe("my-agent");
    // The run's id, as each of its audit lines names it, is the run span's conversation.
    const audited = readFileSync(join(dir, "ws", ".agent", "audit.jsonl"), "utf8")
      .trim()
      .split("\n");
    const runs = new Set(audited.map((line) => (JSON.parse(line) as { run: string }).run));
    expect([...runs]).toEqual([runSpan?.attributes["gen_ai.conversation.id"]]);
    // All of the run is in its trace, and all of its start-up in one other: the agent's `create_agent` span, its MCP
    // client span of each request it sent a server (the handshake, the tool list) under it, and that server's span
    // of the request under the client span. No span is a trace of its own.
    const [startup, ...more] = named(spans, "create_agent mcp-agent");
    expect(more).toEqual([]);
    expect([startup?.service, startup?.parentSpanId || "none"]).toEqual(["my-agent", "none"]);
    expect(startup?.attributes).toMatchObject({
      "gen_ai.operation.name": "create_agent",
      "gen_ai.agent.name": "mcp-agent",
      "gen_ai.conversation.id": runSpan?.attributes["gen_ai.conversation.id"],
    });
    expect(runSpan?.parentSpanId || "none").toBe("none");
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    for (const span of spans) {
      expect([span.name, span.traceId]).toEqual([span.name, expect.toBeOneOf([runSpan?.traceId, startup?.traceId])]);
      if (span !== runSpan && span !== startup)
        expect([span.name, byId.has(span.parentSpanId)]).toEqual([span.name, true]);
    }
    const started = spans.filter((s) => s.traceId === startup?.traceId && s.kind === SERVER);
    for (const service of ["mcp-sqlite", "mcp-filesystem", "mcp-http"]) {
      const methods = started.filter((s) => s.service === service).map((s) => s.attributes["mcp.method.name"]);
      expect(methods.sort()).toEqual(["server/discover", "tools/list"]);
    }
    for (const server of started) {
      const request = byId.get(server.parentSpanId);
      expect(request).toMatchObject({ kind: CLIENT, service: "my-agent", name: server.name });
      expect(request?.attributes).toMatchObject({
        "mcp.method.name": server.attributes["mcp.method.name"],
        "network.transport": "pipe",
        "jsonrpc.request.id": server.attributes["jsonrpc.request.id"],
      });
      expect(request?.parentSpanId).toBe(startup?.spanId);
    }

    const turns = spans.filter((s) => s.attributes["gen_ai.operation.name"] === "chat");
    expect(turns).toHaveLength(3);
    for (const turn of turns) {
      expect(turn).toMatchObject({ parentSpanId: runSpan?.spanId, kind: CLIENT, service: "my-agent" });
      expect(turn.attributes).toMatchObject({ "gen_ai.request.model": expect.any(String) });
      // The whole prompt, as the GenAI conventions count it: the fake API's 100 in, 50 cache written, 30 cache read.
      expect(turn.attributes["gen_ai.usage.input_tokens"]).toBe(180);
      expect(turn.attributes["gen_ai.usage.cache_read.input_tokens"]).toBe(30);
      expect(turn.attributes["gen_ai.usage.output_tokens"]).toEqual(expect.any(Number));
    }
    // A string[], as the GenAI conventions define it.
    expect(turns.map((t) => t.attributes["gen_ai.response.finish_reasons"]).sort()).toEqual([
      ["end_turn"],
      ["tool_use"],
      ["tool_use"],
    ]);

    const toolCalls = spans.filter(
      (s) => s.attributes["gen_ai.operation.name"] === "execute_tool" && s.service === "my-agent",
    );
    expect(toolCalls).toHaveLength(4);
    // Each names the model's tool_use id, as the GenAI conventions' gen_ai.tool.call.id.
    const callIds = toolCalls.map((s) => s.attributes["gen_ai.tool.call.id"]);
    expect(callIds.every((id) => typeof id === "string" && /^toolu_\d+$/.test(id))).toBe(true);
    expect(new Set(callIds).size).toBe(4);
    // Each server's other requests (initialize, tools/list, …) have spans too; the tool calls' are these.
    const serverSpans = spans.filter((s) => s.kind === SERVER && s.attributes["mcp.method.name"] === "tools/call");
    expect(new Set(serverSpans.map((s) => s.service))).toEqual(new Set(["mcp-sqlite", "mcp-filesystem", "mcp-http"]));
    expect(serverSpans).toHaveLength(4);
    for (const server of serverSpans) {
      // The server's span sits under the agent's MCP client request, which sits under the agent's tool call.
      const request = spans.find((s) => s.spanId === server.parentSpanId);
      expect(request).toMatchObject({ kind: CLIENT, service: "my-agent", name: server.name });
      const call = spans.find((s) => s.spanId === request?.parentSpanId);
      expect(call?.name).toBe(`execute_tool ${server.attributes["gen_ai.tool.name"]}`);
      expect(call?.parentSpanId).toBe(runSpan?.spanId);
    }
    for (const statement of spans.filter((s) => s.attributes["db.system.name"] === "sqlite")) {
      expect(byId.get(statement.parentSpanId)).toMatchObject({ service: "mcp-sqlite", kind: SERVER });
    }
    const hop = spans.find((s) => s.name === "GET");
    expect(byId.get(hop?.parentSpanId ?? "")?.name).toBe("tools/call http_get");
    expect(hop?.attributes["url.full"]).toBe(`${origin}/ping`);

    // The agent's metrics: one duration per tool call, by tool and server, and the tokens of its three turns.
    const durations = receiver.metrics.get("mcp.client.operation.duration") ?? [];
    expect(new Set(durations.map((p) => p.service))).toEqual(new Set(["my-agent"]));
    const byTool = Object.fromEntries(
      durations.map((p) => [`${p.attributes["mcp_toolkit.server"]}/${p.attributes["gen_ai.tool.name"]}`, p.value]),
    );
    expect(byTool).toEqual({ "db/execute_write": 2, "file/write_file": 1, "api/http_get": 1 });
    for (const point of durations) {
      expect(point.attributes["mcp.method.name"]).toBe("tools/call");
      expect(point.attributes["error.type"]).toBeUndefined();
    }
    const tokens = receiver.metrics.get("gen_ai.client.token.usage") ?? [];
    expect(tokens.map((p) => [p.attributes["gen_ai.token.type"], p.value]).sort()).toEqual([
      ["input", 3],
      ["output", 3],
    ]);
    const all = receiver.bodies.join("\n");
    for (const secret of ["BOUND-SECRET-1", "QUERY-SECRET-2", "API-KEY-SECRET-3"]) expect(all).not.toContain(secret);
  }, 60_000);
});

describe("mcp-agent metrics", () => {
  it("marks a failed tool call's duration with error.type; the --json summary gives the same figures the same names", async () => {
    const receiver = await startOtlpReceiver();
    const api = await startFakeApi([
      calls(use("file__read_file", { path: "missing.txt" }), use("file__write_file", { path: "a.txt", content: "a" })),
      done("Gone."),
    ]);
    cleanups.push(() => api.close());
    const dir = mkdtempSync(join(tmpdir(), "agent-otel-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url, ...otelEnv(receiver) };
    const r = await startAgent(["--workspace", join(dir, "ws"), "--json", "read it"], env, { cwd: dir }).exited;
    expect(r.code).toBe(0);
    await receiver.waitFor(
      () => receiver.metrics.has("mcp.client.operation.duration") && receiver.metrics.has("gen_ai.client.token.usage"),
    );
    const durations = receiver.metrics.get("mcp.client.operation.duration") ?? [];
    expect(durations).toContainEqual(
      expect.objectContaining({
        service: "mcp-agent",
        value: 1,
        attributes: {
          "mcp.method.name": "tools/call",
          "gen_ai.operation.name": "execute_tool",
          "gen_ai.tool.name": "read_file",
          "mcp_toolkit.server": "file",
          "error.type": "tool_error",
        },
      }),
    );

    // Each tool's calls and errors by error.type in the summary are the metric's points for that tool.
    const summary = JSON.parse(r.stdout).summary;
    const tools = Object.values(summary["mcp.client.operation.duration"]) as Record<string, unknown>[];
    expect(tools).toHaveLength(2);
    for (const tool of tools) {
      const points = durations.filter(
        (p) =>
          p.attributes["gen_ai.tool.name"] === tool["gen_ai.tool.name"] &&
          p.attributes["mcp_toolkit.server"] === tool["mcp_toolkit.server"],
      );
      expect(tool.calls).toBe(points.reduce((sum, p) => sum + p.value, 0));
      const failed = points.filter((p) => p.attributes["error.type"] !== undefined);
      expect(tool["error.type"]).toEqual(Object.fromEntries(failed.map((p) => [p.attributes["error.type"], p.value])));
    }
    // Tokens by gen_ai.token.type: the summary's are the metric's sums.
    const tokens = receiver.metrics.get("gen_ai.client.token.usage") ?? [];
    const byType = Object.fromEntries(tokens.map((p) => [p.attributes["gen_ai.token.type"], p.sum]));
    expect(summary["gen_ai.client.token.usage"]).toEqual(byType);
  }, 60_000);

  it("counts a reply that broke off in the token metric, as far as the API reported it, as the summary does", async () => {
    const receiver = await startOtlpReceiver();
    const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
    const message = { id: "msg_1", type: "message", role: "assistant", model: "claude-sonnet-5-5", content: [] };
    const started = event("message_start", {
      type: "message_start",
      message: { ...message, stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } },
    });
    // The first reply starts (message_start's usage) and its connection drops; asked again, the second is whole.
    const api = await startFakeApi([{ body: started, cut: true }, done("Recovered.")]);
    cleanups.push(() => api.close());
    const dir = mkdtempSync(join(tmpdir(), "agent-otel-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url, ...otelEnv(receiver) };
    const r = await startAgent(["--workspace", join(dir, "ws"), "--max-retries", "1", "say hi"], env, { cwd: dir })
      .exited;
    expect(r.code).toBe(0);
    const [, input, output] =
      /tokens: (\d+) input, (\d+) output, [^\n]*incl\. 1 interrupted reply/.exec(r.stderr) ?? [];
    // The whole prompt's tokens: the reply that came had 100 in, 50 written to the cache and 30 read from it.
    expect([input, output]).toEqual(["190", "21"]);
    await receiver.waitFor(() => receiver.metrics.has("gen_ai.client.token.usage"));
    const tokens = receiver.metrics.get("gen_ai.client.token.usage") ?? [];
    const byType = Object.fromEntries(tokens.map((p) => [p.attributes["gen_ai.token.type"], p.sum]));
    expect(byType).toEqual({ input: 190, output: 21 });
  }, 60_000);

  it("loads nothing and records nothing when no OTEL variable asks", async () => {
    const figures = await startAgentMetrics({}, "0.0.0");
    expect(figures.enabled).toBe(false);
  });
});

describe("mcp-agent with its collector down", () => {
  it("finishes the run with exit 0 and says once that its last spans and metrics were not delivered", async () => {
    // A port on 127.0.0.1 that was just ours and is closed now: every export is refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const api = await startFakeApi([calls(use("file__write_file", { path: "a.txt", content: "a" })), done("Done.")]);
    cleanups.push(() => api.close());
    const dir = mkdtempSync(join(tmpdir(), "agent-otel-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const env = {
      PATH: process.env.PATH,
      ANTHROPIC_API_KEY: "k",
      ANTHROPIC_BASE_URL: api.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    };
    const r = await startAgent(["--workspace", join(dir, "ws"), "--json", "write it"], env, { cwd: dir }).exited;
    // The exporter retries a refused connection: within the flush's bound, that is no answer.
    const url = `http://127.0.0.1:${port}`;
    expect(r.stderr.split("\n").filter((line) => line.includes(url))).toEqual([
      expect.stringMatching(
        `^mcp-agent: the last spans to ${url}/v1/traces and metrics to ${url}/v1/metrics were not delivered: `,
      ),
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true });
  }, 60_000);
});

describe("mcp-agent with a collector that never answers", () => {
  it("exits with the run's code well before the exporter's timeout, saying once what was not delivered", async () => {
    const endpoint = await startSilentCollector();
    const api = await startFakeApi([calls(use("file__write_file", { path: "a.txt", content: "a" })), done("Done.")]);
    cleanups.push(() => api.close());
    const dir = mkdtempSync(join(tmpdir(), "agent-otel-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const agent = startAgent(
      ["--workspace", join(dir, "ws"), "--json", "write it"],
      { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
      { cwd: dir },
    );
    // From the result on stdout to the exit: the servers stopping, then the agent's last export.
    let answered = 0;
    agent.child.stdout.once("data", () => {
      answered = performance.now();
    });
    const r = await agent.exited;
    const stopping = performance.now() - answered;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true });
    const lines = r.stderr.split("\n").filter((line) => line.includes("not delivered"));
    expect(lines).toEqual([
      `mcp-agent: the last spans to ${endpoint}/v1/traces and metrics to ${endpoint}/v1/metrics were not delivered: no answer from the collector within 2 s (it is down, hung or slow), and stopping does not wait longer; check OTEL_EXPORTER_OTLP_ENDPOINT and the collector`,
    ]);
    // The exporter alone would wait 10 s; loosely well under it.
    expect(stopping).toBeLessThan(EXPORTER_TIMEOUT_MS - 2000);
  }, 60_000);
});

describe("mcp-agent interrupted", () => {
  it("marks the call the user stopped as interrupted, as the summary does, and the run with its class", async () => {
    const receiver = await startOtlpReceiver();
    const endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
    const api = await startFakeApi([calls(use("db__execute_query", { sql: endless })), done("Never.")]);
    cleanups.push(() => api.close());
    const dir = mkdtempSync(join(tmpdir(), "agent-otel-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url, ...otelEnv(receiver) };
    const agent = startAgent(["--workspace", join(dir, "ws"), "count forever"], env, { cwd: dir });
    // Ctrl-C once the call is under way, once: a second one forces the exit.
    let seen = "";
    for (const stream of [agent.child.stdout, agent.child.stderr]) {
      stream.on("data", (chunk: Buffer) => {
        const before = seen;
        seen += chunk.toString();
        if (!before.includes("→ db__execute_query") && seen.includes("→ db__execute_query")) {
          agent.child.kill("SIGINT");
        }
      });
    }
    const r = await agent.exited;
    expect(r.code).toBe(130);

    const spans = await receiver.waitFor((all) => all.some((s) => s.name === "invoke_agent mcp-agent"));
    const errorOf = (name: string) => spans.find((s) => s.service === "mcp-agent" && s.name === name)?.attributes;
    expect(errorOf("execute_tool execute_query")).toMatchObject({ "error.type": "interrupted" });
    expect(errorOf("tools/call execute_query")).toMatchObject({ "error.type": "interrupted" });
    expect(errorOf("invoke_agent mcp-agent")).toMatchObject({ "error.type": "Interrupted" });
    await receiver.waitFor(() => receiver.metrics.has("mcp.client.operation.duration"));
    expect(receiver.metrics.get("mcp.client.operation.duration")).toContainEqual(
      expect.objectContaining({ attributes: expect.objectContaining({ "error.type": "interrupted" }) }),
    );
  }, 60_000);
});

describe("serverEnv", () => {
  it.each<[string, Record<string, string>, Record<string, string>]>([
    ["OTEL_SERVICE_NAME names the agent only", { OTEL_SERVICE_NAME: "agent", PATH: "/bin" }, { PATH: "/bin" }],
    [
      "a service.name among the resource attributes too; the others pass on",
      { OTEL_RESOURCE_ATTRIBUTES: "service.name=agent,deployment.environment=prod" },
      { OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=prod" },
    ],
    [
      "a percent-encoded key is the same key",
      { OTEL_RESOURCE_ATTRIBUTES: "service%2Ename=agent , team=data" },
      { OTEL_RESOURCE_ATTRIBUTES: " team=data" },
    ],
    ["only a service.name: the variable goes", { OTEL_RESOURCE_ATTRIBUTES: "service.name=agent" }, {}],
    [
      "a key that only starts like it stays",
      { OTEL_RESOURCE_ATTRIBUTES: "service.namespace=shop" },
      { OTEL_RESOURCE_ATTRIBUTES: "service.namespace=shop" },
    ],
    [
      "the others pass on byte for byte, encoded as the user wrote them",
      { OTEL_RESOURCE_ATTRIBUTES: "team=data%2Cops,service.name=agent, region = eu%20west ,x%3Dy=1" },
      { OTEL_RESOURCE_ATTRIBUTES: "team=data%2Cops, region = eu%20west ,x%3Dy=1" },
    ],
    [
      "a pair with no key, or one that does not decode, is not service.name: it passes on (the server refuses it)",
      { OTEL_RESOURCE_ATTRIBUTES: "service.name,bad%zz=1,service.name=agent" },
      { OTEL_RESOURCE_ATTRIBUTES: "service.name,bad%zz=1" },
    ],
  ])("%s", (_case, env, expected) => {
    expect(serverEnv(env)).toEqual(expected);
  });
});
