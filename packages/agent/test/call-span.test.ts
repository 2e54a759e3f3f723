// The agent's tools/call client span, with the connection's attributes the MCP conventions ask for: recorded with
// the real OpenTelemetry SDK, exported to a receiver on 127.0.0.1, for a server it started (stdio) and a remote one
// (Streamable HTTP on 127.0.0.1), and a call the server refused with a JSON-RPC error.
import { serveHttp, serverFactory, startTracing, toolSet } from "@mcp-toolkit/core";
import { afterEach, describe, expect, it } from "vitest";
import { otelEnv, startOtlpReceiver } from "../../core/test/otlp-receiver.js";
import { callSpanAttributes } from "../src/call-span.js";
import type { ServerSpec } from "../src/config.js";
import { ServerPool } from "../src/servers.js";
import { traceToolCall } from "../src/telemetry.js";
import { addTool } from "./fixtures/add-tool.js";
import { FIXTURE } from "./fixtures/harness.js";

const SERVER = 2;
const CLIENT = 3;
const STATUS_ERROR = 2;

const remote = (url: string): ServerSpec => ({ kind: "http", name: "r", url, headers: {}, builtin: false });

describe("callSpanAttributes", () => {
  it.each<[ServerSpec, Record<string, unknown>]>([
    [
      { kind: "stdio", name: "s", command: "node", args: [], env: {}, builtin: false },
      { "network.transport": "pipe", "server.address": undefined, "server.port": undefined },
    ],
    // The host and port alone: the user info, path and query (where tokens are put) stay out.
    [
      remote("https://user:SECRET@mcp.example.com/sqlite/mcp?token=SECRET"),
      { "network.transport": "tcp", "server.address": "mcp.example.com", "server.port": 443 },
    ],
    [remote("http://[::1]:8080/mcp"), { "network.transport": "tcp", "server.address": "::1", "server.port": 8080 }],
    [remote("ws://127.0.0.1/mcp"), { "network.transport": "tcp", "server.address": "127.0.0.1", "server.port": 80 }],
  ])("%j → %j", (spec, expected) => {
    const attributes = callSpanAttributes(spec, "2026-07-28", undefined);
    expect(attributes).toMatchObject({ ...expected, "mcp.protocol.version": "2026-07-28" });
    expect(JSON.stringify(attributes)).not.toContain("SECRET");
  });

  it("names the session when there is one, and nothing for an empty or absent id", () => {
    expect(callSpanAttributes(undefined, undefined, "abc")["mcp.session.id"]).toBe("abc");
    expect(callSpanAttributes(undefined, undefined, "")["mcp.session.id"]).toBeUndefined();
    expect(callSpanAttributes(undefined, undefined, 7)["mcp.session.id"]).toBeUndefined();
  });
});

describe("the tools/call span (real SDK, receiver and servers on 127.0.0.1)", () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  it("carries the transport, revision and server address, and a refusal's JSON-RPC code", async () => {
    const receiver = await startOtlpReceiver();
    const traces = await startTracing(otelEnv(receiver), "mcp-agent", "0.0.0");
    stops.push(() => traces.shutdown());
    const endpoint = await serveHttp(
      serverFactory({ info: { name: "remote", version: "1.0.0" }, tools: toolSet([addTool]) }),
      { host: "127.0.0.1", port: 0, token: "TOKEN-SECRET" },
    );
    stops.push(() => endpoint.close());
    const pool = new ServerPool({ startupTimeoutMs: 10_000, env: { PATH: process.env.PATH } });
    stops.push(() => pool.close());
    const local: ServerSpec = {
      kind: "stdio",
      name: "fx",
      command: process.execPath,
      args: [FIXTURE],
      env: {},
      builtin: false,
    };
    const http = { ...remote(endpoint.url.href), name: "remote", headers: { Authorization: "Bearer TOKEN-SECRET" } };
    expect(await pool.start([local, http])).toEqual([]);

    const call = (server: string, tool: string, args: Record<string, unknown>) =>
      traceToolCall(
        { server, tool, callId: `toolu_${tool}` },
        () => pool.call(server, tool, args, { timeoutMs: 10_000 }),
        (r) => ({ ok: r.isError !== true, bytes: 0 }),
      );
    await call("fx", "echo", { text: "hi" });
    await call("remote", "add", { a: 1, b: 2 });
    await expect(call("remote", "no_such_tool", {})).rejects.toThrow(/no_such_tool/);
    await traces.shutdown();

    const requests = new Map(
      receiver.spans.filter((s) => s.kind === CLIENT).map((s) => [s.attributes["gen_ai.tool.name"], s]),
    );
    expect(requests.get("echo")?.attributes).toMatchObject({
      "mcp.method.name": "tools/call",
      "network.transport": "pipe",
      "mcp.protocol.version": expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      "jsonrpc.request.id": expect.stringMatching(/^\d+$/),
    });
    expect(requests.get("echo")?.attributes["server.address"]).toBeUndefined();
    const served = {
      "network.transport": "tcp",
      "server.address": "127.0.0.1",
      "server.port": Number(endpoint.url.port),
      "mcp.protocol.version": expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    };
    expect(requests.get("add")?.attributes).toMatchObject(served);
    expect(requests.get("add")?.attributes["rpc.response.status_code"]).toBeUndefined();
    // The remote server's span continues the request's trace from `params._meta`, under the client span, and both
    // name the same JSON-RPC request.
    const added = receiver.spans.find((s) => s.kind === SERVER && s.name === "tools/call add");
    expect(added).toMatchObject({
      traceId: requests.get("add")?.traceId,
      parentSpanId: requests.get("add")?.spanId,
      attributes: expect.objectContaining({ "network.transport": "tcp", "client.address": "127.0.0.1" }),
    });
    expect(requests.get("add")?.attributes["jsonrpc.request.id"]).toEqual(expect.stringMatching(/^\d+$/));
    expect(requests.get("add")?.attributes["jsonrpc.request.id"]).toBe(added?.attributes["jsonrpc.request.id"]);
    const refused = requests.get("no_such_tool");
    expect(refused?.attributes).toMatchObject({ ...served, "rpc.response.status_code": "-32602" });
    expect(refused?.status.code).toBe(STATUS_ERROR);
    expect(receiver.bodies.join("\n")).not.toContain("TOKEN-SECRET");
  }, 30_000);
});
