// Requests the HTTP gate refuses before any server runs them — an unknown token, a tool outside the caller's roles,
// a caller over its rate or concurrency — traced with the real OpenTelemetry SDK to a receiver on 127.0.0.1, beside
// the span of a call that ran.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tokensFileAuthenticator } from "../src/auth.js";
import { EMPTY_POLICY } from "../src/auth-roles.js";
import type { CallerLimitSettings } from "../src/caller-limits.js";
import { type HttpEndpoint, serveHttp } from "../src/http-server.js";
import { startTracing } from "../src/telemetry.js";
import { bearerPost } from "./bearer-post.js";
import { notesFactory } from "./fixtures.js";
import { callerTraceparent, otelEnv, type ReceivedSpan, startOtlpReceiver } from "./otlp-receiver.js";

const TOKENS = { ci: "ci-token-0123456789abcdef", ops: "ops-token-0123456789abcdef" };
const WRONG = "wrong-token-0123456789abcdef";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const SPAN_KIND_SERVER = 2;
const STATUS_ERROR = 2;

const endpoints: HttpEndpoint[] = [];
let dir: string | undefined;
afterEach(async () => {
  for (const endpoint of endpoints.splice(0)) await endpoint.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A server with named tokens — ci reads, ops writes — and these limits. */
async function serve(limits: CallerLimitSettings = {}, trustProxy?: string[]) {
  dir ??= mkdtempSync(path.join(tmpdir(), "mcp-refusal-span-"));
  const file = path.join(dir, "tokens.json");
  const tokens = [
    { name: "ci", sha256: sha256(TOKENS.ci), roles: ["reader"] },
    { name: "ops", sha256: sha256(TOKENS.ops), roles: ["writer"] },
  ];
  writeFileSync(file, JSON.stringify({ tokens }));
  const auth = await tokensFileAuthenticator(file, EMPTY_POLICY);
  const endpoint = await serveHttp(notesFactory(), {
    host: "127.0.0.1",
    port: 0,
    auth,
    limits,
    ...(trustProxy ? { trustProxy } : {}),
  });
  endpoints.push(endpoint);
  return endpoint.url;
}

let nextId = 1;
const call = (name: string, meta?: Record<string, string>) => ({
  jsonrpc: "2.0",
  id: nextId++,
  method: "tools/call",
  params: { name, arguments: name === "add_note" ? { text: "x" } : {}, ...(meta ? { _meta: meta } : {}) },
});

async function post(url: URL, token: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
  const response = await bearerPost(url, token, body, { "mcp-protocol-version": "2025-11-25", ...headers });
  await response.text();
  return response.status;
}

describe("spans of requests refused at the HTTP gate", () => {
  it("are failed server spans named like served calls, with the cause, the caller's trace, and never the token", async () => {
    const receiver = await startOtlpReceiver();
    const traces = await startTracing(otelEnv(receiver), "mcp-test", "0.0.0");
    const url = await serve();
    const caller = callerTraceparent();
    expect(await post(url, TOKENS.ci, call("add_note", { traceparent: caller.traceparent }))).toBe(403);
    expect(await post(url, WRONG, call("read_notes"))).toBe(401);
    expect(await post(url, TOKENS.ops, call("read_notes"))).toBe(200);
    const limited = await serve({ rate: { perSecond: 0.001, burst: 1 } });
    expect(await post(limited, TOKENS.ops, call("read_notes"))).toBe(200);
    const overRate = call("read_notes");
    expect(await post(limited, TOKENS.ops, overRate)).toBe(429);
    const single = await serve({ maxConcurrent: 1 });
    const batch = [call("read_notes"), call("read_notes")];
    expect(await post(single, TOKENS.ops, batch)).toBe(429);
    await traces.shutdown();

    const spans = await receiver.waitFor((all) => all.length >= 7);
    const failed = (cause: string) => spans.filter((s) => s.attributes["error.type"] === cause);
    const common = {
      kind: SPAN_KIND_SERVER,
      service: "mcp-test",
      status: expect.objectContaining({ code: STATUS_ERROR }),
    };

    const [forbidden, ...moreForbidden] = failed("forbidden");
    expect(moreForbidden).toEqual([]);
    expect(forbidden).toMatchObject({
      ...common,
      name: "tools/call add_note",
      traceId: caller.traceId,
      parentSpanId: caller.spanId,
      attributes: {
        "mcp.method.name": "tools/call",
        "gen_ai.tool.name": "add_note",
        "gen_ai.operation.name": "execute_tool",
        "mcp.protocol.version": "2025-11-25",
        "network.transport": "tcp",
        "http.response.status_code": 403,
        "mcp.tool.outcome": "refused",
        "mcp.tool.refusal_cause": "forbidden",
      },
    });
    expect((forbidden as ReceivedSpan & { status: { message?: string } }).status.message).toMatch(
      /^tool add_note is not in the caller's roles \(reader\)/,
    );

    // The body of an unknown caller is not read: its span is the HTTP request's.
    expect(failed("unauthorized")).toEqual([
      expect.objectContaining({
        ...common,
        name: "POST /mcp",
        attributes: expect.objectContaining({ "http.request.method": "POST", "http.response.status_code": 401 }),
      }),
    ]);

    // Over the rate, and a batch over the concurrency: a span per call refused.
    const limitedSpans = failed("rate_limited");
    expect(limitedSpans.map((s) => s.attributes["jsonrpc.request.id"]).sort()).toEqual(
      [overRate.id, ...batch.map((m) => m.id)].map(String).sort(),
    );
    for (const span of limitedSpans) {
      expect(span).toMatchObject({
        ...common,
        name: "tools/call read_notes",
        attributes: { "mcp.tool.outcome": "refused", "mcp.tool.refusal_cause": "rate_limited" },
      });
    }

    // The calls that ran keep their own spans, not failed.
    const served = spans.filter((s) => s.attributes["mcp.tool.outcome"] === "ok");
    expect(served.map((s) => s.name)).toEqual(["tools/call read_notes", "tools/call read_notes"]);
    for (const token of [...Object.values(TOKENS), WRONG]) {
      expect(receiver.bodies.some((body) => body.includes(token))).toBe(false);
    }
  });

  it("of a token sent in the query string say it is never read, and hold neither it nor the query", async () => {
    const receiver = await startOtlpReceiver();
    const traces = await startTracing(otelEnv(receiver), "mcp-test", "0.0.0");
    const url = await serve();
    const inQuery = new URL(`?access_token=${TOKENS.ops}`, url);
    expect(await post(inQuery, "", call("read_notes"), { authorization: "" })).toBe(401);
    await traces.shutdown();
    const [span] = await receiver.waitFor((all) => all.length >= 1);
    expect(span).toMatchObject({
      name: "POST /mcp",
      status: { code: STATUS_ERROR, message: "no bearer token (an access_token in the query string is never read)" },
    });
    expect(receiver.bodies.some((body) => body.includes(TOKENS.ops) || body.includes("access_token="))).toBe(false);
  });

  it("never name a span after a tool or prompt the server does not offer: that name is the caller's own text", async () => {
    const receiver = await startOtlpReceiver();
    const traces = await startTracing(otelEnv(receiver), "mcp-test", "0.0.0");
    const limited = await serve({ rate: { perSecond: 0.001, burst: 1 } });
    expect(await post(limited, TOKENS.ops, call("read_notes"))).toBe(200);
    const madeUp = `made_up_${"x".repeat(200)}`;
    const prompt = { jsonrpc: "2.0", id: nextId++, method: "prompts/get", params: { name: `${madeUp}_prompt` } };
    expect(await post(limited, TOKENS.ops, call(madeUp))).toBe(429);
    expect(await post(limited, TOKENS.ops, prompt)).toBe(429);
    expect(await post(limited, TOKENS.ops, call("add_note"))).toBe(429);
    await traces.shutdown();

    const spans = await receiver.waitFor((all) => all.filter((s) => s.attributes["error.type"]).length >= 3);
    const refused = spans.filter((s) => s.attributes["error.type"] === "rate_limited");
    expect(refused.map((s) => s.name).sort()).toEqual(["prompts/get", "tools/call", "tools/call add_note"]);
    const unnamedCall = refused.find((s) => s.name === "tools/call");
    expect(unnamedCall?.attributes).toMatchObject({
      "mcp.tool.outcome": "refused",
      "mcp.tool.refusal_cause": "rate_limited",
    });
    expect(unnamedCall?.attributes["gen_ai.tool.name"]).toBeUndefined();
    expect(receiver.bodies.some((body) => body.includes(madeUp))).toBe(false);
  });

  it.each([
    ["the peer's, with no trusted proxy", undefined, "127.0.0.1"],
    ["X-Forwarded-For's, from a trusted proxy", ["loopback"], "203.0.113.7"],
  ])("carry client.address, %s, on refused and served calls alike", async (_, trustProxy, address) => {
    const receiver = await startOtlpReceiver();
    const traces = await startTracing(otelEnv(receiver), "mcp-test", "0.0.0");
    const url = await serve({}, trustProxy);
    const forwarded = { "x-forwarded-for": "203.0.113.7" };
    expect(await post(url, TOKENS.ci, call("add_note"), forwarded)).toBe(403);
    expect(await post(url, WRONG, call("read_notes"), forwarded)).toBe(401);
    expect(await post(url, TOKENS.ci, call("read_notes"), { ...forwarded, "mcp-protocol-version": "1999-01-01" })).toBe(
      400,
    );
    expect(await post(url, TOKENS.ci, call("read_notes"), forwarded)).toBe(200);
    expect(await post(url, TOKENS.ci, call("no_such_tool"), forwarded)).toBe(200);
    await traces.shutdown();

    const spans = await receiver.waitFor((all) => all.length >= 5);
    expect(
      spans
        .map((s) => [s.attributes["error.type"] ?? s.attributes["mcp.tool.outcome"], s.attributes["client.address"]])
        .sort(),
    ).toEqual([
      ["-32602", address],
      ["forbidden", address],
      ["ok", address],
      ["unauthorized", address],
      ["unsupported_protocol_version", address],
    ]);
  });

  it("continue the trace of a traceparent header when _meta carries none, refused and served calls alike", async () => {
    const receiver = await startOtlpReceiver();
    const traces = await startTracing(otelEnv(receiver), "mcp-test", "0.0.0");
    const url = await serve();
    // An HTTP client instrumented with OpenTelemetry sends its trace in the headers, not in _meta.
    const http = callerTraceparent();
    const headers = { traceparent: http.traceparent };
    expect(await post(url, TOKENS.ci, call("add_note"), headers)).toBe(403);
    expect(await post(url, TOKENS.ci, call("read_notes"), headers)).toBe(200);
    expect(await post(url, TOKENS.ci, call("no_such_tool"), headers)).toBe(200);
    // Where both carry one, _meta's is the call's own (the conventions' carrier): it wins.
    const meta = callerTraceparent();
    expect(await post(url, TOKENS.ops, call("add_note", { traceparent: meta.traceparent }), headers)).toBe(200);
    await traces.shutdown();

    const spans = await receiver.waitFor((all) => all.length >= 4);
    const joined = (s: ReceivedSpan) => [s.attributes["error.type"] ?? s.attributes["mcp.tool.outcome"], s.traceId];
    expect(
      spans
        .filter((s) => s.kind === SPAN_KIND_SERVER)
        .map(joined)
        .sort(),
    ).toEqual(
      [
        ["-32602", http.traceId],
        ["forbidden", http.traceId],
        ["ok", http.traceId],
        ["ok", meta.traceId],
      ].sort(),
    );
    const byTrace = (traceId: string) => spans.filter((s) => s.traceId === traceId && s.kind === SPAN_KIND_SERVER);
    for (const span of byTrace(http.traceId)) expect(span.parentSpanId).toBe(http.spanId);
    expect(byTrace(meta.traceId)[0]?.parentSpanId).toBe(meta.spanId);
    // The HTTP request's trace is not lost: the call's span links to it, as the conventions ask.
    expect(byTrace(meta.traceId)[0]?.links).toEqual([
      expect.objectContaining({ traceId: http.traceId, spanId: http.spanId }),
    ]);
    for (const span of byTrace(http.traceId)) expect(span.links ?? []).toEqual([]);
  });
});
