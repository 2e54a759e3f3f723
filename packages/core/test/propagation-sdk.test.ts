// OTEL_PROPAGATORS with the real OpenTelemetry SDK: a tools/call over Streamable HTTP on 127.0.0.1 continues the
// caller's trace from B3 headers (one `b3`, or the `x-b3-*` set), starts its own with `none`, and keeps the formats it
// knows when the variable names one it does not; baggage reaches no exported span. The spans go to a receiver on
// 127.0.0.1. Over stdio, with the built bin: packages/sqlite/test/propagation.test.ts.
import { afterEach, describe, expect, it } from "vitest";
import { type HttpEndpoint, serveHttp } from "../src/http-server.js";
import { startTracing, tracing } from "../src/telemetry.js";
import { bearerPost } from "./bearer-post.js";
import { notesFactory } from "./fixtures.js";
import { callerTraceparent, otelEnv, type ReceivedSpan, startOtlpReceiver } from "./otlp-receiver.js";

const TOKEN = "propagation-test-token-0123456789";
const SERVER = 2;

const endpoints: HttpEndpoint[] = [];
afterEach(async () => {
  for (const endpoint of endpoints.splice(0)) await endpoint.close();
});

/** Trace as `propagators` say, to a receiver; `call` posts a tools/call with `headers`, `meta`; `spans` ends export. */
async function traced(propagators: string) {
  const receiver = await startOtlpReceiver();
  const warnings: string[] = [];
  const traces = await startTracing(
    { ...otelEnv(receiver), OTEL_PROPAGATORS: propagators },
    "mcp-test",
    "0.0.0",
    (line) => warnings.push(line),
  );
  const endpoint = await serveHttp(notesFactory(), { host: "127.0.0.1", port: 0, token: TOKEN });
  endpoints.push(endpoint);
  let id = 1;
  const call = async (headers: Record<string, string>, meta?: Record<string, string>) => {
    const body = {
      jsonrpc: "2.0",
      id: id++,
      method: "tools/call",
      params: { name: "read_notes", arguments: {}, ...(meta ? { _meta: meta } : {}) },
    };
    const response = await bearerPost(endpoint.url, TOKEN, body, { "mcp-protocol-version": "2025-11-25", ...headers });
    await response.text();
    expect(response.status).toBe(200);
  };
  const spans = async (count: number): Promise<ReceivedSpan[]> => {
    await traces.shutdown();
    const all = await receiver.waitFor((received) => received.length >= count);
    return all.filter((s) => s.kind === SERVER && s.name === "tools/call read_notes");
  };
  /** A tools/call refused at the gate (a token it does not know): its status. */
  const refused = async (headers: Record<string, string>) => {
    const body = { jsonrpc: "2.0", id: id++, method: "tools/call", params: { name: "read_notes", arguments: {} } };
    const response = await bearerPost(endpoint.url, `${TOKEN}-wrong`, body, headers);
    await response.text();
    return response.status;
  };
  return { call, refused, spans, warnings, bodies: receiver.bodies, receiver };
}

const hex = (n: number) =>
  [...crypto.getRandomValues(new Uint8Array(n))].map((b) => b.toString(16).padStart(2, "0")).join("");
/** A caller's span in B3: its ids, one `b3` header, and the `x-b3-*` set. */
function b3Caller() {
  const traceId = hex(16);
  const spanId = hex(8);
  return {
    traceId,
    spanId,
    single: { b3: `${traceId}-${spanId}-1` },
    multi: { "x-b3-traceid": traceId, "x-b3-spanid": spanId, "x-b3-sampled": "1" },
  };
}

describe("OTEL_PROPAGATORS over HTTP", () => {
  it.each(["b3", "b3multi"])(
    "%s: a single b3 header and the x-b3-* set each continue the caller's trace",
    async (name) => {
      const { call, spans, warnings } = await traced(name);
      const single = b3Caller();
      const multi = b3Caller();
      await call(single.single);
      await call(multi.multi);
      const received = await spans(2);
      expect(received.map((s) => [s.traceId, s.parentSpanId]).sort()).toEqual(
        [
          [single.traceId, single.spanId],
          [multi.traceId, multi.spanId],
        ].sort(),
      );
      expect(warnings).toEqual([]);
      // Only the formats named are read: a W3C header alone is not a B3 caller's.
      expect(tracing().fields).not.toContain("traceparent");
    },
  );

  it("none: neither a traceparent nor a b3 header is continued; the call's span starts a trace of its own", async () => {
    const { call, spans } = await traced("none");
    const w3c = callerTraceparent();
    const b3 = b3Caller();
    await call({ traceparent: w3c.traceparent, ...b3.single }, { traceparent: w3c.traceparent });
    const [span] = await spans(1);
    expect(span?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect([w3c.traceId, b3.traceId]).not.toContain(span?.traceId);
    expect(span?.parentSpanId ?? "").toBe("");
    expect(tracing().injectMeta()).toEqual({});
  });

  it("an unknown value is warned of once, by name with the accepted ones, and the formats it knows still work", async () => {
    const { call, spans, warnings } = await traced("xray, b3multi");
    const caller = b3Caller();
    await call(caller.multi);
    const [span] = await spans(1);
    expect([span?.traceId, span?.parentSpanId]).toEqual([caller.traceId, caller.spanId]);
    expect(warnings).toEqual([
      'OTEL_PROPAGATORS names "xray", which is not a propagator this process knows (tracecontext, baggage, b3, b3multi, jaeger, none): left out, so trace context travels as b3multi',
    ]);
  });

  it("only unknown values: warned of, and the default W3C formats carry the trace", async () => {
    const { call, spans, warnings } = await traced("w3c");
    const caller = callerTraceparent();
    await call({}, { traceparent: caller.traceparent });
    const [span] = await spans(1);
    expect([span?.traceId, span?.parentSpanId]).toEqual([caller.traceId, caller.spanId]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/"w3c".*travels as tracecontext,baggage$/);
  });

  it("baggage is taken but never put on a span; one over the W3C limit is dropped and the trace still continues", async () => {
    const { call, spans, bodies } = await traced("tracecontext,baggage");
    const caller = callerTraceparent();
    const big = callerTraceparent();
    await call({ baggage: "user.secret=hunter2-baggage" }, { traceparent: caller.traceparent });
    await call({}, { traceparent: big.traceparent, baggage: `k=${"v".repeat(9000)}` });
    const received = await spans(2);
    expect(received.map((s) => s.traceId).sort()).toEqual([caller.traceId, big.traceId].sort());
    expect(bodies.join("\n")).not.toContain("hunter2-baggage");
    expect(bodies.join("\n")).not.toContain("user.secret");
  });
});

describe("OTEL_PROPAGATORS at the HTTP gate", () => {
  it("b3multi: a call refused before any server ran it continues the caller's trace from its x-b3-* headers", async () => {
    const { refused, spans, receiver } = await traced("b3multi");
    const caller = b3Caller();
    expect(await refused(caller.multi)).toBe(401);
    await spans(1);
    const span = receiver.spans.find((s) => s.attributes["error.type"] === "unauthorized");
    expect([span?.traceId, span?.parentSpanId]).toEqual([caller.traceId, caller.spanId]);
  });
});

describe("injectMeta", () => {
  it.each<[string, string[]]>([
    ["tracecontext,baggage", ["traceparent"]],
    ["b3", ["b3"]],
    ["b3multi", ["x-b3-sampled", "x-b3-spanid", "x-b3-traceid"]],
    ["jaeger", ["uber-trace-id"]],
  ])("%s writes %j into a request's _meta", async (propagators, keys) => {
    const receiver = await startOtlpReceiver();
    const traces = await startTracing({ ...otelEnv(receiver), OTEL_PROPAGATORS: propagators }, "mcp-test", "0.0.0");
    const meta = await traces.inSpan("send", { kind: "client" }, async () => traces.injectMeta());
    await traces.shutdown();
    expect(Object.keys(meta).sort()).toEqual(keys);
    const [span] = await receiver.waitFor((all) => all.length >= 1);
    expect(Object.values(meta).join(" ")).toContain(span?.traceId);
  });
});
