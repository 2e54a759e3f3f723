// Requests other than tools/call — resources/read, prompts/get, completion/complete, initialize, tools/list, … — and
// sessions, from real SDK clients to servers in process and over HTTP on 127.0.0.1, traced and measured with the real
// OpenTelemetry SDK to a receiver on 127.0.0.1, and scraped as Prometheus text.
import { afterEach, describe, expect, it, vi } from "vitest";
import { serveHttp } from "../src/http-server.js";
import { createMetrics } from "../src/metrics.js";
import { definePrompt } from "../src/prompt.js";
import { serverFactory } from "../src/server-factory.js";
import { startMetricExport, startTracing, tracing } from "../src/telemetry.js";
import { bearerPost } from "./bearer-post.js";
import { connectClient } from "./clients.js";
import { echoTools } from "./fixtures.js";
import { callerTraceparent, otelEnv, type ReceivedSpan, startOtlpReceiver } from "./otlp-receiver.js";
import { parseScrape, sampleValue } from "./prometheus-text.js";

const SERVER = 2;
const STATUS_ERROR = 2;
const TOKEN = "request-telemetry-test-token-0123456789";

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** A `greet` prompt whose messages are built in a span of their own; `who: "nobody"` is a bad argument. */
const greet = definePrompt({
  name: "greet",
  title: "Greet",
  description: "Greet someone.",
  arguments: { who: { description: "Whom.", complete: (value) => ["ada", "alan"].filter((n) => n.startsWith(value)) } },
  handler: ({ who }) =>
    tracing().inSpan("build greeting", {}, async () => {
      if (who === "nobody") throw new Error("who must name someone");
      return { messages: [{ role: "user", content: { type: "text", text: `Hello ${who}` } }] };
    }),
});

/** A `wait` prompt that answers only when its request is cancelled. */
const wait = definePrompt({
  name: "wait",
  title: "Wait",
  description: "Waits until cancelled.",
  arguments: {},
  handler: (_args, { signal }) =>
    new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(new Error("cancelled")))),
});

/** A server with tools, a prompt and its stats resource, traced and measured over OTLP and for Prometheus. */
async function observed() {
  const receiver = await startOtlpReceiver();
  const env = otelEnv(receiver);
  const factory = serverFactory({
    info: { name: "lib", version: "1.0.0" },
    tools: echoTools(),
    prompts: [greet, wait],
  });
  const traces = await startTracing(env, "mcp-test", "0.0.0");
  const otlp = await startMetricExport(env, "mcp-test", "0.0.0", factory.stats);
  const prometheus = createMetrics(factory.stats);
  stops.push(async () => {
    prometheus.close();
    await Promise.allSettled([otlp.shutdown(), traces.shutdown()]);
  });
  const scrape = async () => parseScrape(await prometheus.scrape());
  const exported = async () => {
    await Promise.all([otlp.shutdown(), traces.shutdown()]);
    return receiver;
  };
  return { factory, scrape, exported };
}

const named = (spans: ReceivedSpan[], name: string) => spans.filter((s) => s.name === name && s.kind === SERVER);

describe("requests besides tools/call", () => {
  it("are server spans named by the conventions, under the caller's trace, with the handler's work under them", async () => {
    const { factory, scrape, exported } = await observed();
    const client = await connectClient(factory, "v2@2025-11-25");
    const caller = callerTraceparent();
    await client.readResource({ uri: "lib://stats", _meta: { traceparent: caller.traceparent } });
    await client.getPrompt({ name: "greet", arguments: { who: "ada" } });
    await expect(client.getPrompt({ name: "greet", arguments: { who: "nobody" } })).rejects.toThrow(/someone/);
    const secret = `no_such_prompt_${crypto.randomUUID().slice(0, 8)}`;
    await expect(client.getPrompt({ name: secret })).rejects.toThrow(/not found/);
    await client.complete({ ref: { type: "ref/prompt", name: "greet" }, argument: { name: "who", value: "a" } });
    await expect(client.readResource({ uri: "lib://nothing" })).rejects.toThrow();
    await client.listTools();
    await client.close();
    // The connection's session has ended when Prometheus counts it.
    await vi.waitFor(async () =>
      expect(sampleValue(await scrape(), "mcp_server_session_duration_seconds_count", {})).toBe(1),
    );
    const prom = await scrape();
    const { spans, bodies, metrics } = await exported();

    const common = { "network.transport": "pipe", "mcp.protocol.version": "2025-11-25" };
    expect(named(spans, "initialize")).toEqual([
      expect.objectContaining({ attributes: expect.objectContaining({ "mcp.method.name": "initialize", ...common }) }),
    ]);
    expect(named(spans, "tools/list")).toHaveLength(1);
    const [read, missing] = named(spans, "resources/read");
    expect(read).toMatchObject({
      traceId: caller.traceId,
      parentSpanId: caller.spanId,
      attributes: { "mcp.method.name": "resources/read", "mcp.resource.uri": "lib://stats", ...common },
    });
    expect(read?.attributes["jsonrpc.request.id"]).toEqual(expect.any(String));
    expect(read?.status.code ?? 0).not.toBe(STATUS_ERROR);
    expect(missing).toMatchObject({
      status: { code: STATUS_ERROR },
      attributes: { "mcp.resource.uri": "lib://nothing", "error.type": expect.stringMatching(/^-32\d{3}$/) },
    });
    expect(missing?.attributes["rpc.response.status_code"]).toBe(missing?.attributes["error.type"]);

    const [ok, bad] = named(spans, "prompts/get greet");
    expect(ok?.attributes).toMatchObject({ "mcp.method.name": "prompts/get", "gen_ai.prompt.name": "greet" });
    expect(bad).toMatchObject({
      status: { code: STATUS_ERROR, message: expect.stringContaining("who must name someone") },
      attributes: { "error.type": "-32602", "rpc.response.status_code": "-32602" },
    });
    // The prompt's own work is traced under its request's span.
    const built = spans.filter((s) => s.name === "build greeting");
    expect(built.map((s) => s.parentSpanId).sort()).toEqual([ok?.spanId, bad?.spanId].sort());
    expect(named(spans, "completion/complete greet")[0]?.attributes).toMatchObject({ "gen_ai.prompt.name": "greet" });

    // A prompt the server does not offer: the caller's text is in no span name, attribute, status or metric.
    expect(named(spans, "prompts/get")).toEqual([
      expect.objectContaining({
        status: expect.objectContaining({ code: STATUS_ERROR, message: "unknown prompt" }),
        attributes: expect.objectContaining({ "error.type": "-32602" }),
      }),
    ]);
    expect(bodies.some((body) => body.includes(secret))).toBe(false);

    // The conventions' duration for every method, with no URI (their opt-in: a series per URI has no bound).
    const operation = (labels: Record<string, string>) =>
      sampleValue(prom, "mcp_server_operation_duration_seconds_count", labels);
    expect(operation({ mcp_method_name: "resources/read", error_type: "" })).toBe(1);
    expect(operation({ mcp_method_name: "prompts/get", gen_ai_prompt_name: "greet", error_type: "" })).toBe(1);
    expect(operation({ mcp_method_name: "prompts/get", gen_ai_prompt_name: "greet", error_type: "-32602" })).toBe(1);
    expect(operation({ mcp_method_name: "prompts/get", gen_ai_prompt_name: "", error_type: "-32602" })).toBe(1);
    expect(operation({ mcp_method_name: "initialize", error_type: "" })).toBe(1);
    expect(operation({ mcp_method_name: "notifications/initialized" })).toBe(1);
    const points = metrics.get("mcp.server.operation.duration") ?? [];
    expect(points).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ attributes: { "mcp.method.name": "resources/read", ...common }, value: 1 }),
        expect.objectContaining({
          attributes: { "mcp.method.name": "prompts/get", "gen_ai.prompt.name": "greet", ...common },
          value: 1,
        }),
        expect.objectContaining({
          attributes: { "mcp.method.name": "completion/complete", "gen_ai.prompt.name": "greet", ...common },
        }),
      ]),
    );
    expect(JSON.stringify([...metrics])).not.toContain("lib://");

    expect(metrics.get("mcp.server.session.duration")).toEqual([
      expect.objectContaining({ attributes: common, value: 1 }),
    ]);
  });

  it("continue the trace in an HTTP request's traceparent header, over HTTP in both eras", async () => {
    const { factory, exported } = await observed();
    const endpoint = await serveHttp(factory, { host: "127.0.0.1", port: 0, token: TOKEN });
    stops.push(() => endpoint.close());
    const remote = await connectClient({ url: endpoint.url, token: TOKEN }, "modern");
    stops.push(() => remote.close());
    await remote.readResource({ uri: "lib://stats" });
    const http = callerTraceparent();
    const read = { jsonrpc: "2.0", id: 7, method: "resources/read", params: { uri: "lib://stats" } };
    const headers = { "mcp-protocol-version": "2025-11-25", traceparent: http.traceparent };
    const response = await bearerPost(endpoint.url, TOKEN, read, headers);
    expect(response.status).toBe(200);
    await response.text();
    const { spans } = await exported();

    const reads = named(spans, "resources/read");
    expect(reads.map((s) => s.attributes["mcp.protocol.version"]).sort()).toEqual(["2025-11-25", "2026-07-28"]);
    for (const span of reads) expect(span.attributes["network.transport"]).toBe("tcp");
    const underHeader = reads.find((s) => s.traceId === http.traceId);
    expect(underHeader).toMatchObject({ parentSpanId: http.spanId, attributes: { "jsonrpc.request.id": "7" } });
  });
});

describe("a request its client cancels", () => {
  it("ends its span unfailed, with no error.type, and its duration without one", async () => {
    const { factory, scrape, exported } = await observed();
    const client = await connectClient(factory, "v2@2025-11-25");
    const aborting = new AbortController();
    const asked = client.getPrompt({ name: "wait" }, { signal: aborting.signal });
    setTimeout(() => aborting.abort(), 100);
    await expect(asked).rejects.toThrow();
    const operation = { mcp_method_name: "prompts/get", gen_ai_prompt_name: "wait" };
    await vi.waitFor(async () =>
      expect(sampleValue(await scrape(), "mcp_server_operation_duration_seconds_count", operation)).toBe(1),
    );
    expect(sampleValue(await scrape(), "mcp_server_operation_duration_seconds_count", operation)).toBe(1);
    const [span] = named((await exported()).spans, "prompts/get wait");
    expect(span?.attributes["error.type"]).toBeUndefined();
    expect(span?.status.code ?? 0).not.toBe(STATUS_ERROR);
  });
});

describe("the servers' own counters", () => {
  it("carry the conventions' units: {call} for counts of calls, seconds for durations", async () => {
    const { factory, exported } = await observed();
    const client = await connectClient(factory, "v2@2025-11-25");
    await client.callTool({ name: "echo", arguments: { text: "hi" } });
    await client.close();
    const { units } = await exported();
    expect(units.get("mcp_toolkit.tool.calls")).toBe("{call}");
    expect(units.get("mcp_toolkit.tool.calls_in_flight")).toBe("{call}");
    expect(units.get("mcp_toolkit.tool.call.duration")).toBe("s");
    expect(units.get("mcp.server.operation.duration")).toBe("s");
    expect(units.get("mcp.server.session.duration")).toBe("s");
  });
});
