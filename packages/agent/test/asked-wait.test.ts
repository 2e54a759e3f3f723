import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type HttpEndpoint, serveHttp, serverFactory, toolSet } from "@mcp-toolkit/core";
import { afterEach, describe, expect, it } from "vitest";
import { AskedToWait, askedWaitText, withAskedWait } from "../src/asked-wait.js";
import { ServerPool } from "../src/servers.js";
import { addTool } from "./fixtures/add-tool.js";

const NOW = Date.parse("2026-12-06T10:00:00Z");
const post = (message: unknown): RequestInit => ({ method: "POST", body: JSON.stringify(message) });
const call = post({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "add" } });
const answer = (status: number, headers: Record<string, string>, body = "Too Many Requests") =>
  new Response(body, { status, headers: { "content-type": "text/plain", ...headers } });

describe("withAskedWait", () => {
  it.each<[string, Response, number, string]>([
    ["a 429's Retry-After in seconds", answer(429, { "retry-after": "7" }), 7000, "7 s (Retry-After)"],
    [
      "a 503's Retry-After as a date",
      answer(503, { "retry-after": "Sun, 06 Dec 2026 10:02:00 GMT" }),
      120_000,
      "2 min (Retry-After)",
    ],
    ["retry-after-ms", answer(429, { "retry-after-ms": "1500" }), 1500, "2 s (retry-after-ms: 1500)"],
    [
      "retry-after-ms of 0, which gives way to Retry-After",
      answer(429, { "retry-after-ms": "0", "retry-after": "3" }),
      3000,
      "3 s (Retry-After)",
    ],
  ])("fails a POST with AskedToWait carrying %s, its status and its body", async (_case, response, waitMs, said) => {
    const error = await withAskedWait(response, call, NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AskedToWait);
    expect(error).toMatchObject({ waitMs, data: { status: response.status, text: "Too Many Requests" } });
    // The text names the header the server sent, not always Retry-After.
    expect(askedWaitText(error)).toBe(`; it asked to wait ${said}`);
  });

  it.each<[string, Response, RequestInit | undefined]>([
    ["a 429 without Retry-After", answer(429, {}), call],
    ["a 500 with Retry-After", answer(500, { "retry-after": "7" }), call],
    ["a Retry-After that is not a wait", answer(503, { "retry-after": "soon" }), call],
    ["a GET (the event stream)", answer(429, { "retry-after": "7" }), { method: "GET" }],
    ["a 429 to the version probe", answer(429, { "retry-after": "7" }), post({ id: 1, method: "server/discover" })],
  ])("passes on %s as it came, for the SDK", async (_case, response, init) => {
    expect(await withAskedWait(response, init, NOW)).toBe(response);
  });
});

let front: Server | undefined;
let endpoint: HttpEndpoint | undefined;
let pool: ServerPool | undefined;
afterEach(async () => {
  await pool?.close();
  await endpoint?.close();
  await new Promise((resolve) => (front ? front.close(resolve) : resolve(undefined)));
  front = undefined;
  endpoint = undefined;
  pool = undefined;
});

/** A real MCP server behind a front that answers what `limit` picks with `status`, Retry-After: 7 and plain text. */
async function limitedServer(status: number, limit: (body: string) => boolean): Promise<string> {
  endpoint = await serveHttp(serverFactory({ info: { name: "remote", version: "1.0.0" }, tools: toolSet([addTool]) }), {
    host: "127.0.0.1",
    port: 0,
    token: "t",
  });
  const target = endpoint.url;
  front = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      if (limit(body.toString("utf8"))) {
        res.writeHead(status, { "content-type": "text/plain", "retry-after": "7" });
        return void res.end(status === 429 ? "Too Many Requests" : "Service Unavailable");
      }
      const headers = { ...req.headers, host: target.host };
      const upstream = request(target, { method: req.method, headers, path: req.url }, (r) => {
        res.writeHead(r.statusCode ?? 500, r.headers);
        r.pipe(res);
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => front?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(front.address() as AddressInfo).port}/mcp`;
}

const remote = (url: string) =>
  ({ kind: "http", name: "remote", url, headers: { Authorization: "Bearer t" }, builtin: false }) as const;

describe("a remote server that asks to wait", () => {
  it("tells the model how long a 429 to its call asked, and that the server took nothing", async () => {
    const url = await limitedServer(429, (body) => body.includes('"tools/call"'));
    pool = new ServerPool({ startupTimeoutMs: 10_000, env: {} });
    expect(await pool.start([remote(url)])).toEqual([]);
    await expect(pool.call("remote", "add", { a: 2, b: 3 }, { timeoutMs: 5000 })).rejects.toThrow(
      'server "remote" is limiting its calls and did not take this one: the server answered HTTP 429 (Too Many Requests): Too Many Requests; it asked to wait 7 s (Retry-After); call again after that wait, or go on without it',
    );
  });

  it("says how long a 503 at start-up asked to wait, the version probe's included", async () => {
    const url = await limitedServer(503, () => true);
    pool = new ServerPool({ startupTimeoutMs: 10_000, env: {} });
    const [failure] = await pool.start([remote(url)]);
    expect(failure?.line).toBe(
      `server "remote" failed to start (${url}): the server answered HTTP 503 (Service Unavailable): Service Unavailable; it asked to wait 7 s (Retry-After)`,
    );
  });
});
