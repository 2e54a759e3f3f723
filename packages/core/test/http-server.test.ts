import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, describe, expect, it } from "vitest";
import { type HttpEndpoint, isAuthorized, serveHttp } from "../src/http-server.js";
import { createEchoServer, textOf } from "./fixtures.js";

const TOKEN = "test-token-0123456789";
const endpoints: HttpEndpoint[] = [];
const clients: Client[] = [];

async function start(stateful = false, host = "127.0.0.1"): Promise<HttpEndpoint> {
  const endpoint = await serveHttp(createEchoServer, { host, port: 0, token: TOKEN, stateful });
  endpoints.push(endpoint);
  return endpoint;
}

async function connect(url: URL, init: { token?: string; fetch?: typeof fetch } = {}): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(url, {
    requestInit: { headers: { authorization: `Bearer ${init.token ?? TOKEN}` } },
    ...(init.fetch ? { fetch: init.fetch } : {}),
  });
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(transport);
  clients.push(client);
  return client;
}

const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "curl", version: "1" } },
};

function post(url: URL, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.close()));
  await Promise.allSettled(endpoints.splice(0).map((e) => e.close()));
});

describe("isAuthorized", () => {
  it.each([
    [undefined, false],
    ["", false],
    ["Bearer", false],
    [`Basic ${TOKEN}`, false],
    [`Bearer ${TOKEN}x`, false],
    [`Bearer ${TOKEN}`, true],
    [`bearer   ${TOKEN}`, true],
  ])("%j → %s", (header, expected) => {
    expect(isAuthorized(header, TOKEN)).toBe(expected);
  });
});

describe("serveHttp (stateless, the default)", () => {
  it("refuses requests without a bearer token, or with a wrong one, with 401", async () => {
    const { url } = await start();
    const none = await post(url, initialize);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/MCP_AUTH_TOKEN/);
    expect((await post(url, initialize, { authorization: "Bearer wrong" })).status).toBe(401);
    await expect(connect(url, { token: "wrong" })).rejects.toThrow();
  });

  it("serves a real client that carries the token", async () => {
    const { url } = await start();
    const client = await connect(url);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("echo");
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "over http" } }))).toBe("over http");
  });

  it("keeps concurrent clients apart even when their request ids collide", async () => {
    const { url } = await start();
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    const results = await Promise.all([
      a.callTool({ name: "slow_echo", arguments: { text: "from a", ms: 60 } }),
      b.callTool({ name: "slow_echo", arguments: { text: "from b", ms: 10 } }),
      a.callTool({ name: "echo", arguments: { text: "a again" } }),
    ]);
    expect(results.map(textOf)).toEqual(["from a", "from b", "a again"]);
  });

  it("answers calls alternated between two replicas with no session affinity", async () => {
    const replicas = [await start(), await start()];
    const hits = [0, 0];
    let next = 0;
    // A round-robin "load balancer": every request goes to the other replica.
    const roundRobin: typeof fetch = (input, init) => {
      const i = next++ % 2;
      hits[i] = (hits[i] ?? 0) + 1;
      const target = new URL(String(input instanceof Request ? input.url : input));
      target.port = replicas[i]?.url.port ?? "";
      return fetch(target, init);
    };
    const client = await connect(replicas[0]?.url as URL, { fetch: roundRobin });
    for (let i = 0; i < 6; i++) {
      expect(textOf(await client.callTool({ name: "echo", arguments: { text: `call ${i}` } }))).toBe(`call ${i}`);
    }
    expect(hits[0]).toBeGreaterThanOrEqual(3);
    expect(hits[1]).toBeGreaterThanOrEqual(3);
  });

  it("answers health checks without a token, and unknown paths with 404", async () => {
    const { url } = await start();
    const health = await fetch(new URL("/healthz", url));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    expect((await fetch(new URL("/other", url))).status).toBe(404);
  });

  it("gives JSON-RPC errors for bad bodies and 405 for GET", async () => {
    const { url } = await start();
    const auth = { authorization: `Bearer ${TOKEN}` };
    const bad = await post(url, "{not json", auth);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: number } }).error.code).toBe(-32700);
    expect((await post(url, { hello: "world" }, auth)).status).toBe(400);
    const get = await fetch(url, { headers: auth });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });

  it("answers a notification-only body with 202 and a batch with an array", async () => {
    const { url } = await start();
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await post(url, { jsonrpc: "2.0", method: "notifications/initialized" }, auth)).status).toBe(202);
    const batch = await post(url, [initialize, { jsonrpc: "2.0", id: "x", method: "tools/list" }], auth);
    const body = (await batch.json()) as { id: unknown }[];
    expect(body.map((m) => m.id)).toEqual([1, "x"]);
  });

  it("listens on ::1 too", async () => {
    let endpoint: HttpEndpoint;
    try {
      endpoint = await start(false, "::1");
    } catch {
      return; // No IPv6 loopback on this machine.
    }
    expect(endpoint.url.hostname).toBe("[::1]");
    const client = await connect(endpoint.url);
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "v6" } }))).toBe("v6");
  });
});

describe("serveHttp (stateful)", () => {
  it("hands out a session and refuses unknown sessions with 404", async () => {
    const { url } = await start(true);
    const client = await connect(url);
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "session" } }))).toBe("session");
    const stray = await post(
      url,
      { jsonrpc: "2.0", id: 2, method: "tools/list" },
      {
        authorization: `Bearer ${TOKEN}`,
        "mcp-session-id": "no-such-session",
      },
    );
    expect(stray.status).toBe(404);
    const noSession = await post(
      url,
      { jsonrpc: "2.0", id: 2, method: "tools/list" },
      { authorization: `Bearer ${TOKEN}` },
    );
    expect(noSession.status).toBe(400);
  });
});
