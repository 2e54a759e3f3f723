import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { TRANSPORTS, useServers } from "../../core/test/built-server.js";
import { callerTraceparent, otelEnv, startOtlpReceiver } from "../../core/test/otlp-receiver.js";
import { resolveFetcherOptions } from "../src/server-options.js";
import { sendsTrace, traceHeaders } from "../src/trace-hosts.js";

// Upstream requests carry the call's trace context only to the hosts --trace-hosts lists, as the hop span's child,
// and never in place of a trace header the model set. Pure tables first, then the built bin, upstreams on 127.0.0.1
// that keep the headers they were sent, and an OTLP receiver for the span tree.

const DIST = fileURLToPath(new URL("../dist", import.meta.url));
const start = useServers(DIST);
const CLIENT = 3;

describe("sendsTrace", () => {
  it.each([
    ["https://api.example.com/v1", ["api.example.com"], true],
    ["https://api.example.com:8443/", ["api.example.com"], true],
    ["https://api.example.com/", ["api.example.com:8443"], false],
    ["https://a.svc.example.com/", ["*.example.com"], true],
    ["https://example.com/", ["*.example.com"], false],
    ["https://api.example.com.evil.test/", ["api.example.com"], false],
    ["https://API.Example.com/", ["api.example.com"], true],
    ["http://127.0.0.1:8080/", ["127.0.0.1:8080"], true],
    ["http://[::1]:8080/", ["[::1]:8080"], true],
    ["https://api.example.com/", [], false],
  ] as const)("%s with %j → %s", (url, patterns, sends) => {
    expect(sendsTrace(new URL(url), patterns)).toBe(sends);
  });
});

describe("traceHeaders", () => {
  const injected = { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", tracestate: "a=1" };
  const w3c = ["traceparent", "tracestate", "baggage"];
  it.each([
    ["no trace header of the call's", { accept: "application/json" }, w3c, injected],
    ["the call's traceparent", { traceparent: "00-1-2-01" }, w3c, {}],
    ["the call's baggage alone", { baggage: "user=ada" }, w3c, {}],
    ["a B3 header the propagators in force do not use", { b3: "1-2-1" }, w3c, injected],
    ["a B3 header they use", { "x-b3-traceid": "1" }, ["b3", "x-b3-traceid", "x-b3-spanid"], {}],
  ] as const)("adds the context unless the call set its own: %s", (_case, given, fields, added) => {
    expect(traceHeaders(given, injected, fields)).toEqual(added);
  });
});

interface Upstream {
  origin: string;
  /** The headers of each request it took, in order. */
  seen: IncomingHttpHeaders[];
}

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

/** An upstream on 127.0.0.1 that keeps each request's headers; `/hop` redirects to `to`, anything else answers 200. */
async function upstream(to?: string): Promise<Upstream> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    if (req.url === "/hop" && to) res.writeHead(302, { location: to }).end();
    else res.writeHead(200, { "content-type": "text/plain" }).end("fine");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closing.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe.each(TRANSPORTS)("mcp-http over %s, tracing on", (transport) => {
  it("sends the hop span's context to a listed host only, under the caller's trace, and keeps the model's own", async () => {
    const receiver = await startOtlpReceiver();
    const other = await upstream();
    const listed = await upstream(`${other.origin}/end`);
    const listedHost = new URL(listed.origin).host;
    const args = ["--allow-private", "--trace-hosts", listedHost];
    const server = await start("bin", transport, args, otelEnv(receiver));
    const caller = callerTraceparent();
    const followed = await server.client.callTool({
      name: "http_get",
      arguments: { url: `${listed.origin}/hop` },
      _meta: { traceparent: caller.traceparent },
    });
    expect(followed.isError).toBeFalsy();
    const own = "00-11111111111111111111111111111111-2222222222222222-01";
    await server.call("http_get", { url: `${listed.origin}/mine`, headers: { traceparent: own } });
    await server.close();

    const spans = await receiver.waitFor((all) => all.filter((s) => s.kind === CLIENT).length >= 3);
    const tool = spans.find((s) => s.name === "tools/call http_get" && s.traceId === caller.traceId);
    expect(tool?.parentSpanId).toBe(caller.spanId);
    const hop = spans.find((s) => s.kind === CLIENT && s.attributes["url.full"] === `${listed.origin}/hop`);
    expect(hop).toMatchObject({ traceId: caller.traceId, parentSpanId: tool?.spanId });
    // The listed host's span continues the hop's: the upstream's own spans would sit under it.
    expect(listed.seen[0]?.traceparent).toBe(`00-${caller.traceId}-${hop?.spanId}-01`);
    // The redirect went to a host not listed: nothing of the trace went with it.
    expect(other.seen).toHaveLength(1);
    expect(Object.keys(other.seen[0] ?? {}).filter((name) => /trace|baggage/.test(name))).toEqual([]);
    // The model's own traceparent is sent as it set it.
    expect(listed.seen[1]?.traceparent).toBe(own);
  });
});

describe("mcp-http without --trace-hosts", () => {
  it("sends no trace context upstream, tracing on or off", async () => {
    const receiver = await startOtlpReceiver();
    const target = await upstream();
    for (const env of [otelEnv(receiver), {}]) {
      const server = await start("bin", "stdio", ["--allow-private"], env);
      const caller = callerTraceparent();
      const result = await server.client.callTool({
        name: "http_get",
        arguments: { url: `${target.origin}/` },
        _meta: { traceparent: caller.traceparent },
      });
      expect(result.isError).toBeFalsy();
      await server.close();
    }
    // With tracing off, a listed host gets nothing either: there is no context to send.
    const server = await start("bin", "stdio", ["--allow-private", "--trace-hosts", new URL(target.origin).host]);
    await server.call("http_get", { url: `${target.origin}/` });
    await server.close();
    expect(target.seen).toHaveLength(3);
    for (const headers of target.seen) expect(headers.traceparent).toBeUndefined();
  });
});

describe("traceHosts patterns", () => {
  it.each([
    ["*", /^traceHosts: .*name each host whose requests may carry the trace context/],
    ["https://api.example.com/", /^traceHosts: host pattern "https:\/\/api.example.com\/" is not a host.*no scheme/],
  ])("refuse %s at start-up, naming the setting", (pattern, problem) => {
    expect(() => resolveFetcherOptions({ traceHosts: [pattern] })).toThrow(problem);
  });

  it("are kept when valid", () => {
    expect(resolveFetcherOptions({ traceHosts: ["*.svc.example.com", "[::1]:8080"] }).traceHosts).toEqual([
      "*.svc.example.com",
      "[::1]:8080",
    ]);
  });
});
