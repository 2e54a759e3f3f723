// The conventions' `mcp.server.operation.duration` says how each request came: `network.transport` (`pipe` on stdio,
// `tcp` over HTTP) and `mcp.protocol.version` (the session's negotiated revision, or a 2026-07-28 request's own).
// Real SDK clients of both eras, over stdio (in process) and Streamable HTTP on 127.0.0.1, the real OpenTelemetry SDK
// exporting to a receiver on 127.0.0.1, and the same figures scraped as Prometheus text.
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport, type JSONRPCMessage, PROTOCOL_VERSION_META_KEY } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { afterEach, describe, expect, it, vi } from "vitest";
import { serveHttp } from "../src/http-server.js";
import { createMetrics } from "../src/metrics.js";
import type { ServerFactory } from "../src/server-factory.js";
import { startMetricExport } from "../src/telemetry.js";
import { type ClientKind, connectClient, expectedVersion, type TestClient } from "./clients.js";
import { echoFactory } from "./fixtures.js";
import { otelEnv, startOtlpReceiver } from "./otlp-receiver.js";
import { parseScrape } from "./prometheus-text.js";

const TOKEN = "operation-attributes-test-token-0123456789";

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** An echo server measured over OTLP (to a receiver on 127.0.0.1) and for Prometheus. */
async function measured() {
  const receiver = await startOtlpReceiver();
  const factory = echoFactory();
  const otlp = await startMetricExport(otelEnv(receiver), "mcp-test", "0.0.0", factory.stats);
  const prometheus = createMetrics(factory.stats);
  stops.push(async () => {
    prometheus.close();
    await otlp.shutdown();
  });
  const exported = async () => {
    await otlp.shutdown();
    return receiver.metrics.get("mcp.server.operation.duration") ?? [];
  };
  const scraped = async () =>
    parseScrape(await prometheus.scrape()).get("mcp_server_operation_duration_seconds_count")?.metrics ?? [];
  return { factory, exported, scraped };
}

/** A 2026-07-28 client over stdio (an in-process pipe): the test helpers' own `modern` kind goes over HTTP. */
async function modernOverStdio(factory: ServerFactory): Promise<TestClient> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const stdio = serveStdio(factory, { transport: serverSide });
  const client = new Client({ name: "test", version: "1" }, { versionNegotiation: { mode: "auto" } });
  await client.connect(clientSide);
  stops.push(async () => {
    await client.close();
    await stdio.close();
  });
  return client as unknown as TestClient;
}

/** Connect `kind` to `factory` over `via`: stdio in process, or HTTP on 127.0.0.1 (stateful for 2025 sessions). */
async function connect(factory: ServerFactory, via: "stdio" | "http", kind: ClientKind, stateful: boolean) {
  if (via === "stdio") {
    if (kind === "modern") return modernOverStdio(factory);
    const client = await connectClient(factory, kind);
    stops.push(() => client.close());
    return client;
  }
  const endpoint = await serveHttp(factory, { host: "127.0.0.1", port: 0, token: TOKEN, stateful });
  stops.push(() => endpoint.close());
  const client = await connectClient({ url: endpoint.url, token: TOKEN }, kind);
  stops.push(() => client.close());
  return client;
}

describe("mcp.server.operation.duration", () => {
  it.each([
    ["stdio", "v2@2025-11-25", false, "pipe"],
    ["stdio", "modern", false, "pipe"],
    ["http", "modern", false, "tcp"],
    ["http", "v2@2025-06-18", true, "tcp"],
    ["http", "v1@2025-11-25", false, "tcp"],
  ] as const)(
    "over %s, a %s client (stateful: %s): every point names transport %s and the revision",
    async (via, kind, stateful, transport) => {
      const { factory, exported, scraped } = await measured();
      const client = await connect(factory, via, kind, stateful);
      await client.callTool({ name: "echo", arguments: { text: "hi" } });
      expect((await client.callTool({ name: "echo", arguments: { text: 42 } })).isError).toBe(true);
      await expect(client.callTool({ name: "no_such_tool", arguments: {} })).rejects.toThrow();
      await client.listTools();
      const version = expectedVersion(kind);

      const prometheus = await scraped();
      const points = await exported();
      const calls = points.filter((p) => p.attributes["mcp.method.name"] === "tools/call");
      expect(calls.map((p) => p.attributes["error.type"] ?? "none").sort()).toEqual(["-32602", "none", "tool_error"]);
      expect(points.some((p) => p.attributes["mcp.method.name"] === "tools/list")).toBe(true);
      for (const point of points) {
        expect(point.attributes).toMatchObject({ "network.transport": transport, "mcp.protocol.version": version });
      }
      expect(prometheus.length).toBe(points.length);
      for (const sample of prometheus) {
        expect(sample.labels).toMatchObject({ network_transport: transport, mcp_protocol_version: version });
      }
    },
  );

  it("leaves out a revision no server speaks, which a request may name before anything checks it", async () => {
    const { factory, exported, scraped } = await measured();
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const stdio = serveStdio(factory, { transport: serverSide });
    stops.push(() => stdio.close());
    const answers: JSONRPCMessage[] = [];
    clientSide.onmessage = (message) => void answers.push(message);
    await clientSide.start();
    const send = (message: Record<string, unknown>) =>
      clientSide.send({ jsonrpc: "2.0", ...message } as JSONRPCMessage);
    const clientInfo = { name: "raw", version: "1" };
    await send({
      id: 0,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo },
    });
    await send({ method: "notifications/initialized" });
    // A 2025-era session's request naming a revision of its own, as a 2026-07-28 request does.
    const meta = { [PROTOCOL_VERSION_META_KEY]: "2099-01-01" };
    await send({ id: 1, method: "tools/list", params: { _meta: meta } });
    await send({ id: 2, method: "tools/call", params: { name: "echo", arguments: { text: "hi" }, _meta: meta } });
    await send({ id: 3, method: "tools/call", params: { name: "nothing", arguments: {}, _meta: meta } });
    await vi.waitFor(() => expect(answers).toHaveLength(4));

    const prometheus = await scraped();
    const points = await exported();
    expect(points.map((p) => p.attributes["mcp.method.name"]).sort()).toEqual([
      "initialize",
      "notifications/initialized",
      "tools/call",
      "tools/call",
      "tools/list",
    ]);
    for (const point of points) expect(point.attributes).toMatchObject({ "network.transport": "pipe" });
    expect(JSON.stringify(points)).not.toContain("2099");
    expect(JSON.stringify(prometheus)).not.toContain("2099");
  });
});
