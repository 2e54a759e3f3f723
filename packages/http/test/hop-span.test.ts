import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { useServers } from "../../core/test/built-server.js";
import { callerTraceparent, otelEnv, startOtlpReceiver } from "../../core/test/otlp-receiver.js";
import { redactedUrl } from "../src/hop-span.js";

// The built bin exports a client span per upstream hop under the tools/call span: method, URL without its query or
// credentials, status and resend count. No credential or query value reaches the exporter.

const DIST = fileURLToPath(new URL("../dist", import.meta.url));
const start = useServers(DIST);
const CLIENT = 3;

/** An upstream on 127.0.0.1 that answers its first request 503 (retry at once), then 200. */
async function flakyUpstream(): Promise<{ origin: string; close(): Promise<void> }> {
  let seen = 0;
  const server = createServer((_req, res) => {
    seen++;
    if (seen === 1) res.writeHead(503, { "retry-after": "0" }).end("busy");
    else res.writeHead(200, { "content-type": "text/plain" }).end("fine");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

describe("redactedUrl", () => {
  it.each([
    ["https://user:pw@example.com/a/b?token=s#frag", "https://example.com/a/b"],
    ["http://example.com:8080/?q=1", "http://example.com:8080/"],
    ["https://example.com/path", "https://example.com/path"],
  ])("%s → %s", (url, shown) => {
    expect(redactedUrl(new URL(url))).toBe(shown);
  });
});

describe("mcp-http traces", () => {
  it("exports the upstream hop under http_get, with its retry, and no secret", async () => {
    const receiver = await startOtlpReceiver();
    const upstream = await flakyUpstream();
    closing.push(upstream.close);
    const host = new URL(upstream.origin).host;
    const credentials = JSON.stringify({ [host]: { authorization: "Bearer CRED-SECRET-1" } });
    const server = await start("bin", "stdio", ["--allow-private", "--credentials", credentials], otelEnv(receiver));
    const caller = callerTraceparent();
    const result = await server.client.callTool({
      name: "http_get",
      arguments: { url: `${upstream.origin}/data?api_key=QUERY-SECRET-2` },
      _meta: { traceparent: caller.traceparent },
    });
    expect(result.isError).toBeFalsy();
    await server.close();

    const spans = await receiver.waitFor((all) => all.some((s) => s.name === "GET"));
    const tool = spans.find((s) => s.name === "tools/call http_get");
    expect(tool).toMatchObject({ traceId: caller.traceId, parentSpanId: caller.spanId, service: "mcp-http" });
    const hop = spans.find((s) => s.name === "GET");
    expect(hop).toMatchObject({
      traceId: caller.traceId,
      parentSpanId: tool?.spanId,
      kind: CLIENT,
      attributes: {
        "http.request.method": "GET",
        "url.full": `${upstream.origin}/data`,
        "http.response.status_code": 200,
        "http.request.resend_count": 1,
        "server.address": "127.0.0.1",
      },
    });
    for (const secret of ["CRED-SECRET-1", "QUERY-SECRET-2"]) {
      expect(receiver.bodies.join("\n")).not.toContain(secret);
    }
  });
});
