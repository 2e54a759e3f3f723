import { createServer, request, type Server, STATUS_CODES } from "node:http";
import type { AddressInfo } from "node:net";
import { type HttpEndpoint, serveHttp, serverFactory, toolSet } from "@mcp-toolkit/core";
import { afterEach, describe, expect, it } from "vitest";
import { AskedToWait, askedWaitText, ErrorAnswer, isMessagePost, withAskedWait } from "../src/asked-wait.js";
import { ServerPool } from "../src/servers.js";
import { addTool } from "./fixtures/add-tool.js";
import { type LegacyServer, startSseServer } from "./fixtures/legacy-servers.js";

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

  it("keeps the version probe's wait where the SDK does not fall back from it (the legacy SSE transport)", async () => {
    const probe = post({ jsonrpc: "2.0", id: 1, method: "server/discover" });
    const error = await withAskedWait(answer(429, { "retry-after": "7" }), probe, NOW, true).catch((e: unknown) => e);
    expect(error).toMatchObject({ waitMs: 7000, data: { status: 429 } });
  });
});

describe("withAskedWait over the legacy SSE transport, which keeps an error answer's status only in words", () => {
  it.each([
    ["a 429 without Retry-After", 429],
    ["a proxy's 502", 502],
    ["a 403", 403],
  ])("fails a POST answered with %s with ErrorAnswer, its status and its body", async (_case, status) => {
    const error = await withAskedWait(answer(status, {}), call, NOW, true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorAnswer);
    expect(error).not.toBeInstanceOf(AskedToWait);
    expect(error).toMatchObject({ data: { status, text: "Too Many Requests" } });
  });

  it.each([
    ["a 401, which the SDK answers by logging in", answer(401, {})],
    ["a redirect, which the SDK names", answer(307, { location: "/elsewhere" })],
    ["a 202", answer(202, {})],
  ])("passes on %s as it came", async (_case, response) => {
    expect(await withAskedWait(response, call, NOW, true)).toBe(response);
  });
});

describe("isMessagePost", () => {
  const server = new URL("https://mcp.example.com/sse");
  const message = post({ jsonrpc: "2.0", id: 3, method: "tools/call" });
  it.each<[string, string, RequestInit | undefined, boolean, boolean]>([
    ["a POST to the server's URL", server.href, message, false, true],
    ["the SSE endpoint the stream named", "https://mcp.example.com/messages?sessionId=1", message, true, true],
    [
      "the SSE endpoint, a notification",
      "https://mcp.example.com/messages",
      post({ method: "x", jsonrpc: "2.0" }),
      true,
      true,
    ],
    ["the same path over Streamable HTTP", "https://mcp.example.com/messages", message, false, false],
    [
      "an OAuth token request on the server's origin",
      "https://mcp.example.com/token",
      { method: "POST", body: "grant_type=refresh_token" },
      true,
      false,
    ],
    [
      "a client registration on the server's origin",
      "https://mcp.example.com/register",
      post({ client_name: "x" }),
      true,
      false,
    ],
    ["a JSON-RPC POST to another origin", "https://auth.example.com/messages", message, true, false],
    ["a GET of the SSE endpoint", "https://mcp.example.com/messages", { method: "GET" }, true, false],
  ])("%s: %s", (_case, target, init, legacySse, expected) => {
    expect(isMessagePost(target, init, server, legacySse)).toBe(expected);
  });
});

let front: Server | undefined;
let endpoint: HttpEndpoint | undefined;
let legacy: LegacyServer | undefined;
let pool: ServerPool | undefined;
afterEach(async () => {
  await pool?.close();
  await endpoint?.close();
  await legacy?.close();
  legacy = undefined;
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
  return limitedFront(endpoint.url, status, limit);
}

/**
 * `target` behind a front that answers the requests `limit` picks with `status`, Retry-After: 7 (unless `wait` is
 * false) and the status's name as plain text.
 */
async function limitedFront(target: URL, status: number, limit: (body: string) => boolean, wait = true) {
  front = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      if (limit(body.toString("utf8"))) {
        res.writeHead(status, { "content-type": "text/plain", ...(wait ? { "retry-after": "7" } : {}) });
        return void res.end(STATUS_CODES[status]);
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
  return `http://127.0.0.1:${(front.address() as AddressInfo).port}${target.pathname}`;
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

describe("a legacy HTTP+SSE server that asks to wait", () => {
  const sse = (url: string) => ({ ...remote(url), transport: "sse" }) as const;

  it.each([
    [
      429,
      "is limiting its calls and did not take this one: the server answered HTTP 429 (Too Many Requests): Too Many Requests; it asked to wait 7 s (Retry-After); call again after that wait",
    ],
    [
      503,
      "could not take the call: the server answered HTTP 503 (Service Unavailable): Service Unavailable; it asked to wait 7 s (Retry-After)",
    ],
  ])(
    "tells the model how long a %i to its call (a POST to the endpoint the stream named) asked",
    async (status, said) => {
      legacy = await startSseServer();
      const url = await limitedFront(new URL(legacy.url), status, (body) => body.includes('"tools/call"'));
      pool = new ServerPool({ startupTimeoutMs: 10_000, env: {} });
      expect(await pool.start([sse(url)])).toEqual([]);
      await expect(pool.call("remote", "echo", { text: "hi" }, { timeoutMs: 5000 })).rejects.toThrow(
        `server "remote" ${said}`,
      );
    },
  );

  it.each([
    [
      429,
      "is limiting its calls and did not take this one: the server answered HTTP 429 (Too Many Requests): Too Many Requests; call again later",
    ],
    [
      502,
      "could not take the call: the server answered HTTP 502 (Bad Gateway): Bad Gateway; it may be down or restarting",
    ],
  ])("tells the model what a %i with no wait to its call means, as over Streamable HTTP", async (status, said) => {
    legacy = await startSseServer();
    const url = await limitedFront(new URL(legacy.url), status, (body) => body.includes('"tools/call"'), false);
    pool = new ServerPool({ startupTimeoutMs: 10_000, env: {} });
    expect(await pool.start([sse(url)])).toEqual([]);
    await expect(pool.call("remote", "echo", { text: "hi" }, { timeoutMs: 5000 })).rejects.toThrow(
      `server "remote" ${said}`,
    );
  });

  it("says how long a 429 to its first POST at start-up asked to wait", async () => {
    legacy = await startSseServer();
    const url = await limitedFront(new URL(legacy.url), 429, (body) => body.includes('"jsonrpc"'));
    pool = new ServerPool({ startupTimeoutMs: 10_000, env: {} });
    const [failure] = await pool.start([sse(url)]);
    expect(failure?.line).toBe(
      `server "remote" failed to start (${url}): the server answered HTTP 429 (Too Many Requests): Too Many Requests; it asked to wait 7 s (Retry-After)`,
    );
  });
});
