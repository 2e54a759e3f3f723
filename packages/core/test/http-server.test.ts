import { request } from "node:http";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { describe, expect, it, vi } from "vitest";
import { sharedTokenAuthenticator } from "../src/auth.js";
import { type HttpEndpoint, type HttpServeOptions, serveHttp } from "../src/http-server.js";
// From the index, as a library user names it: the type of serveHttp's `metrics` option must be exported there.
import type { ServerMetrics } from "../src/index.js";
import { createLogger } from "../src/logger.js";
import type { ServerFactory } from "../src/server-factory.js";
import { CLIENT_KINDS, expectedVersion } from "./clients.js";
import { createEchoServer, echoFactory, textOf } from "./fixtures.js";
import { libraryFactory } from "./library.js";
import { listeningClient } from "./listener.js";
import { typeErrorWith } from "./matchers.js";
import { TOOLS_LIST_BODY, TOOLS_LIST_HEADERS } from "./modern-request.js";
import { AUTH, initialize, post, TOKEN, tokenEndpointFixture, waitingFactory } from "./token-endpoint.js";

const { start, connect, clients } = tokenEndpointFixture();

const until = async (check: () => boolean, ms = 2000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
};

describe("serveHttp's arguments from plain JavaScript", () => {
  it.each<[string, unknown, unknown, string]>([
    [
      "a ready server instead of a factory",
      createEchoServer(),
      { host: "127.0.0.1", port: 0, token: TOKEN },
      "serveHttp takes a server factory (createFilesystemServerFactory(…), createSqliteServerFactory(…), createHttpServerFactory(…)), not a server",
    ],
    [
      "a misspelt option",
      echoFactory(),
      { host: "127.0.0.1", port: 0, tokn: TOKEN },
      'serveHttp: unknown option "tokn" — did you mean "token"?',
    ],
    [
      "a port as text",
      echoFactory(),
      { host: "127.0.0.1", port: "3000", token: TOKEN },
      'port must be a whole number from 0 to 65535, got "3000"',
    ],
    ["no host", echoFactory(), { port: 0, token: TOKEN }, "serveHttp: option host is required"],
    [
      "neither a token nor an authenticator",
      echoFactory(),
      { host: "127.0.0.1", port: 0 },
      "serveHttp needs a token or an authenticator: an open endpoint is not served",
    ],
    [
      "allowedHosts as one string",
      echoFactory(),
      { host: "127.0.0.1", port: 0, token: TOKEN, allowedHosts: "mcp.example.com" },
      'allowedHosts must be an array of non-empty strings, got "mcp.example.com"',
    ],
    [
      "an allowed host that could be an IPv6 address or one with a port",
      echoFactory(),
      { host: "127.0.0.1", port: 0, token: TOKEN, allowedHosts: ["mcp.example.com", "::1:8080"] },
      `serveHttp: allowedHosts: "::1:8080" could be the IPv6 address ::1:8080 or ::1 with port 8080: write ::1`,
    ],
    [
      "a trusted proxy that is no address",
      echoFactory(),
      { host: "127.0.0.1", port: 0, token: TOKEN, trustProxy: ["loopback", "proxy.internal"] },
      'serveHttp: trustProxy: "proxy.internal" is not an IP address, a CIDR range (10.0.0.0/8) or loopback, linklocal, uniquelocal',
    ],
    [
      "a misspelt session limit",
      echoFactory(),
      { host: "127.0.0.1", port: 0, token: TOKEN, stateful: true, sessions: { maxSesions: 5 } },
      `serveHttp's sessions: unknown option "maxSesions" — did you mean "maxSessions"?`,
    ],
    [
      "a rate limit that is no rate",
      echoFactory(),
      { host: "127.0.0.1", port: 0, token: TOKEN, limits: { rate: "120/min" } },
      `serveHttp's limits: rate must be null or a rate: { perSecond, burst }`,
    ],
    [
      "a token and an authenticator both",
      echoFactory(),
      { host: "127.0.0.1", port: 0, token: TOKEN, auth: sharedTokenAuthenticator(TOKEN) },
      "serveHttp: give token (one shared token) or auth (an authenticator), not both",
    ],
    [
      "an authenticator that is an empty object",
      echoFactory(),
      { host: "127.0.0.1", port: 0, auth: {} },
      "serveHttp: auth must be an authenticator: sharedTokenAuthenticator(…), tokensFileAuthenticator(…), oauthAuthenticator(…), or an object with authenticate and refuseUse functions, got an object",
    ],
    [
      "an audit log that is an empty object",
      echoFactory(),
      { host: "127.0.0.1", port: 0, token: TOKEN, audit: {} },
      "serveHttp: audit must be an audit log: openAuditLog(target), or an object with write, toolCall, reopen and close functions, got an object",
    ],
    [
      "metrics that are an empty object",
      echoFactory(),
      { host: "127.0.0.1", port: 0, token: TOKEN, metrics: {} },
      "serveHttp: metrics must be true, false, or metrics with contentType and a scrape function, got an object",
    ],
    [
      "a policy without its roles and scopes",
      echoFactory(),
      { host: "127.0.0.1", port: 0, token: TOKEN, policy: { roles: { auditor: ["read_file"] } } },
      "serveHttp: policy must be a role policy: parsePolicy(text) or EMPTY_POLICY, an object of roles and scopes, got an object",
    ],
    [
      "a path without its leading slash",
      echoFactory(),
      { host: "127.0.0.1", port: 0, token: TOKEN, path: "mcp" },
      'serveHttp: path must be a URL path starting with "/", such as "/mcp", got "mcp"',
    ],
    [
      "session limits without sessions",
      echoFactory(),
      { host: "127.0.0.1", port: 0, token: TOKEN, sessions: { maxSessions: 5 } },
      "serveHttp: sessions limits sessions, which only stateful: true gives 2025-era clients; add it",
    ],
  ])("refuses %s with one TypeError, before listening", async (_, factory, options, message) => {
    await expect(serveHttp(factory as ServerFactory, options as HttpServeOptions)).rejects.toThrow(
      typeErrorWith(message),
    );
  });

  it.each<[string, Partial<HttpServeOptions>, string]>([
    [
      "no calls at once",
      { limits: { maxConcurrent: 0 } },
      "serveHttp's limits: maxConcurrent must be a whole number ≥ 1, got 0",
    ],
    [
      "no listen streams",
      { limits: { maxStreams: -1 } },
      "serveHttp's limits: maxStreams must be a whole number ≥ 1, got -1",
    ],
    ["a port past 65535", { port: 70_000 }, "serveHttp: port must be a whole number from 0 to 65535, got 70000"],
    [
      "a rate of none",
      { limits: { rate: { perSecond: 0, burst: 1 } } },
      "serveHttp's limits.rate: perSecond must be a number > 0, got 0",
    ],
    [
      "no sessions",
      { stateful: true, sessions: { maxSessions: 0 } },
      "serveHttp's sessions: maxSessions must be a whole number ≥ 1, got 0",
    ],
    [
      "an idle time of no length",
      { stateful: true, sessions: { idleMs: 0.5 } },
      "serveHttp's sessions: idleMs must be a whole number from 1 to 2147483647, got 0.5",
    ],
  ])(
    "refuses a limit that would refuse every caller (%s) with a RangeError, before listening",
    async (_, more, message) => {
      const refusal = serveHttp(echoFactory(), { host: "127.0.0.1", port: 0, token: TOKEN, ...more });
      await expect(refusal).rejects.toThrow(RangeError);
      await expect(refusal).rejects.toThrow(message);
    },
  );
});

describe("serveHttp's token and metrics, from a library", () => {
  it("answers a wrong token naming the library option it was set by, not the bins' variable", async () => {
    const { url } = await start();
    const refused = await fetch(url, {
      method: "POST",
      headers: {
        authorization: "Bearer wrong",
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify(initialize),
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toContain(
      `error_description="the token is not serveHttp's token; send Authorization: Bearer <serveHttp's token>"`,
    );
    await refused.text();
  });

  it("serves the factory's own metrics at /metrics with metrics: true, to the token's holder only", async () => {
    const { url } = await start({ metrics: true });
    const client = await connect(url);
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "counted" } }))).toBe("counted");
    const metrics = new URL("/metrics", url);
    const scraped = await fetch(metrics, { headers: AUTH });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/^mcp_toolkit_tool_calls_total\{[^}]*tool="echo"[^}]*\} 1$/m);
    const anonymous = await fetch(metrics);
    expect(anonymous.status).toBe(401);
    await anonymous.text();
  });

  it("logs a refused scrape as a request for /metrics, not for the MCP endpoint", async () => {
    const lines: string[] = [];
    const { url } = await start({ metrics: true, logger: createLogger("lib", "info", (line) => lines.push(line)) });
    const metrics = new URL("/metrics", url);
    for (const headers of [{}, { authorization: "Bearer wrong" }] as Record<string, string>[]) {
      const refused = await fetch(metrics, { headers });
      expect(refused.status).toBe(401);
      await refused.text();
    }
    const refusals = lines.filter((line) => line.includes("refused GET"));
    expect(refusals).toEqual([
      expect.stringContaining("info: refused GET /metrics from 127.0.0.1: HTTP 401: no bearer token"),
      expect.stringContaining("warn: refused GET /metrics from 127.0.0.1: HTTP 401: the token is not"),
    ]);
  });

  it("logs refusals of made-up Hosts once a minute per client, not once per Host", async () => {
    const lines: string[] = [];
    const { url } = await start({ logger: createLogger("lib", "info", (line) => lines.push(line)) });
    const post = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(url, { method: "POST", headers: { host, ...AUTH } }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
        req.end("{}");
      });
    for (let i = 0; i < 10; i++) expect(await post(`rebound-${i}.example`)).toBe(403);
    expect(lines.filter((line) => line.includes("refused POST"))).toEqual([
      expect.stringContaining('warn: refused POST /mcp from 127.0.0.1: Host "rebound-0.example" is not allowed'),
    ]);
  });

  it("serves metrics the caller made, typed by the index's ServerMetrics, and leaves them open when closed", async () => {
    let closed = false;
    const own: ServerMetrics = {
      contentType: "text/plain; version=0.0.4; charset=utf-8",
      scrape: async () => "my_app_up 1\n",
      close: () => {
        closed = true;
      },
    };
    const endpoint = await serveHttp(echoFactory(), { host: "127.0.0.1", port: 0, token: TOKEN, metrics: own });
    const scraped = await fetch(new URL("/metrics", endpoint.url), { headers: AUTH });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toBe("my_app_up 1\n");
    await endpoint.close();
    expect(closed).toBe(false);
  });

  it("releases the metrics it made when closed: the factory keeps no listener of them", async () => {
    const factory = echoFactory();
    const subscribe = factory.stats.subscribe.bind(factory.stats);
    let live = 0;
    vi.spyOn(factory.stats, "subscribe").mockImplementation((listener) => {
      live++;
      const unsubscribe = subscribe(listener);
      return () => {
        live--;
        unsubscribe();
      };
    });
    const endpoint = await serveHttp(factory, { host: "127.0.0.1", port: 0, token: TOKEN, metrics: true });
    expect(live).toBeGreaterThan(0);
    await endpoint.close();
    expect(live).toBe(0);
  });
});

describe("serveHttp, stateless (the default)", () => {
  it.each(CLIENT_KINDS)("serves a %s client that carries the token, at its revision", async (kind) => {
    const { url } = await start();
    const client = await connect(url, kind);
    expect(client.protocolVersion()).toBe(expectedVersion(kind));
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("echo");
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "over http" } }))).toBe("over http");
  });

  it("warns through its logger, naming the token option, when the token is short enough to guess", async () => {
    const warnings = (token: string) => {
      const lines: string[] = [];
      return { lines, logger: createLogger("lib", "warn", (line) => lines.push(line)), token };
    };
    const short = warnings("s3cret");
    await start({ token: short.token, logger: short.logger });
    expect(short.lines).toEqual([
      "[lib] warn: serveHttp's token is 6 characters: whoever reaches the port can try to guess one so short; use 32 or more random characters (openssl rand -hex 32)\n",
    ]);
    const long = warnings("0123456789abcdef".repeat(4));
    await start({ token: long.token, logger: long.logger });
    expect(long.lines).toEqual([]);
  });

  it("goes on serving, and says so once, when an audit log of the caller's own throws", async () => {
    const lines: string[] = [];
    const broken = () => {
      throw new Error("disk full");
    };
    const audit = { write: broken, toolCall: broken, reopen: () => false, close: async () => {} };
    const { url } = await start({ audit, logger: createLogger("lib", "warn", (line) => lines.push(line)) });
    // Refused at the gate, then served: neither takes the process down or leaves a client waiting.
    expect((await post(url, initialize)).status).toBe(401);
    for (const kind of ["v1@2025-11-25", "modern"] as const) {
      const client = await connect(url, kind);
      const result = await client.callTool({ name: "echo", arguments: { text: "served" } });
      expect(result.isError).toBeFalsy();
      expect(textOf(result)).toBe("served");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lines.filter((line) => line.includes("audit log"))).toEqual([
      "[lib] warn: the audit log failed to write a line, and requests go on without it: Error: disk full\n",
    ]);
  });

  it("keeps concurrent clients of both eras apart", async () => {
    const { url } = await start();
    const [a, b] = await Promise.all([connect(url, "modern"), connect(url, "v1@2025-11-25")]);
    const results = await Promise.all([
      a.callTool({ name: "slow_echo", arguments: { text: "from a", ms: 60 } }),
      b.callTool({ name: "slow_echo", arguments: { text: "from b", ms: 10 } }),
      a.callTool({ name: "echo", arguments: { text: "a again" } }),
    ]);
    expect(results.map(textOf)).toEqual(["from a", "from b", "a again"]);
  });

  it.each(["modern", "v1@2025-11-25"] as const)(
    "answers a %s client whose calls alternate between two replicas (no session affinity)",
    async (kind) => {
      const replicas = [await start(), await start()];
      let next = 0;
      const hits = [0, 0];
      // A round-robin "load balancer": every request goes to the other replica.
      const roundRobin: typeof fetch = (input, init) => {
        const i = next++ % 2;
        hits[i] = (hits[i] ?? 0) + 1;
        const target = new URL(String(input instanceof Request ? input.url : input));
        target.port = replicas[i]?.url.port ?? "";
        return fetch(target, init);
      };
      const client =
        kind === "modern"
          ? new Client({ name: "t", version: "1" }, { versionNegotiation: { mode: "auto" } })
          : new Client({ name: "t", version: "1" });
      await client.connect(
        new StreamableHTTPClientTransport(replicas[0]?.url as URL, {
          requestInit: { headers: AUTH },
          fetch: roundRobin,
        }),
      );
      for (let i = 0; i < 6; i++) {
        expect(textOf(await client.callTool({ name: "echo", arguments: { text: `call ${i}` } }))).toBe(`call ${i}`);
      }
      await client.close();
      expect(Math.min(...hits)).toBeGreaterThanOrEqual(3);
    },
  );

  it("streams progress to a client of either era that asks for it", async () => {
    const { url } = await start();
    for (const kind of ["modern", "v1@2025-11-25"] as const) {
      const client = await connect(url, kind);
      const seen: number[] = [];
      const result = await client.callTool(
        { name: "slow_echo", arguments: { text: "done", ms: 250 } },
        { onprogress: (p) => seen.push(p.progress) },
      );
      expect(textOf(result)).toBe("done");
      expect(seen.length, kind).toBeGreaterThanOrEqual(2);
    }
  });

  it("stops a call within 1 s when a 2026-07-28 client aborts it, or a 2025 client drops the connection", async () => {
    const events: string[] = [];
    const { url } = await start({}, waitingFactory(events));
    const client = await connect(url, "modern");
    const aborting = new AbortController();
    const call = client.callTool({ name: "wait", arguments: { ms: 10_000 } }, { signal: aborting.signal });
    setTimeout(() => aborting.abort(), 200);
    await expect(call).rejects.toThrow();
    await until(() => events.length === 1);
    const dropping = new AbortController();
    const raw = post(
      url,
      { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "wait", arguments: { ms: 10_000 } } },
      { ...AUTH, "mcp-protocol-version": "2025-06-18" },
      dropping.signal,
    ).catch(() => "dropped");
    setTimeout(() => dropping.abort(), 200);
    expect(await raw).toBe("dropped");
    await until(() => events.length === 2);
    // The tool notes only an abort: both calls were cut, neither ran its 10 s.
    expect(events).toEqual(["aborted", "aborted"]);
  });

  it("listens on ::1 too", async () => {
    let endpoint: HttpEndpoint;
    try {
      endpoint = await start({ host: "::1" });
    } catch {
      return; // No IPv6 loopback on this machine.
    }
    expect(endpoint.url.hostname).toBe("[::1]");
    const client = await connect(endpoint.url, "modern");
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "v6" } }))).toBe("v6");
  });
});

describe("serveHttp's tool list cache hint", () => {
  it("lets a shared token's client keep its list an hour, privately: every holder is a writer, whose list is fixed", async () => {
    const { url } = await start({});
    const response = await post(url, TOOLS_LIST_BODY, { ...AUTH, ...TOOLS_LIST_HEADERS });
    expect(((await response.json()) as { result: object }).result).toMatchObject({
      ttlMs: 3_600_000,
      cacheScope: "private",
    });
  });
});

describe("serveHttp stopping", () => {
  it("drains at once past a 2026-07-28 client's listen stream, which has no answer to wait for", async () => {
    const endpoint = await start({}, libraryFactory(1).factory);
    clients.push(await listeningClient(endpoint.url, TOKEN));
    // With a deadline of an hour: a drain that waited for the stream would fail the test on its own time limit
    // (a bin waited its whole 3.5 s, then logged "calls still running after 3500 ms were cut").
    expect(await endpoint.drain(3_600_000)).toBe(true);
  });
});

describe("serveHttp --stateful", () => {
  it("hands 2025-era clients a session, refuses unknown ones with 404, and still serves 2026-07-28 statelessly", async () => {
    const { url } = await start({ stateful: true });
    const legacy = await connect(url, "v1@2025-11-25");
    expect(textOf(await legacy.callTool({ name: "echo", arguments: { text: "session" } }))).toBe("session");
    const modern = await connect(url, "modern");
    expect(modern.protocolVersion()).toBe("2026-07-28");
    expect(textOf(await modern.callTool({ name: "echo", arguments: { text: "stateless" } }))).toBe("stateless");
    const list = { jsonrpc: "2.0", id: 2, method: "tools/list" };
    const unknown = await post(url, list, { ...AUTH, "mcp-session-id": "no-such-session" });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(
      /^Session not found: this server process never opened it; it was opened by another replica .*needs each client routed to the same replica/,
    );
    expect((await post(url, list, AUTH)).status).toBe(400);
    // Initialize in a batch, which the 2025 revisions with batches forbid, is told so, not that it is missing.
    const batched = await post(url, [initialize, list], { ...AUTH, "mcp-protocol-version": "2025-03-26" });
    expect(batched.status).toBe(400);
    expect(((await batched.json()) as { error: { message: string } }).error.message).toBe(
      "Invalid Request: initialize may not be sent in a JSON-RPC batch; POST it alone, then send the other messages with the Mcp-Session-Id it gives",
    );
  });

  it("tells a client whose session another replica opened that it did, with what the proxy needs", async () => {
    const [a, b] = [await start({ stateful: true }), await start({ stateful: true })];
    const opened = await post(a.url, initialize, AUTH);
    const id = opened.headers.get("mcp-session-id") as string;
    await opened.text();
    const list = { jsonrpc: "2.0", id: 2, method: "tools/list" };
    const elsewhere = await post(b.url, list, { ...AUTH, "mcp-session-id": id, "mcp-protocol-version": "2025-11-25" });
    expect(elsewhere.status).toBe(404);
    expect(((await elsewhere.json()) as { error: { message: string } }).error.message).toMatch(
      /never opened it; it was opened by another replica .*behind a load balancer, stateful: true needs each client routed to the same replica/,
    );
  });

  it("makes room at --max-sessions by closing the session idle a minute or more, which its client left open", async () => {
    const { url } = await start({ stateful: true, sessions: { maxSessions: 1, idleMs: 3_600_000 } });
    // An SDK client that closes does not end its session (no DELETE): it stays until idle an hour here.
    const left = await connect(url, "v2@2025-11-25");
    await left.close();
    const busy = await post(url, initialize, AUTH);
    expect(busy.status).toBe(503);
    expect(busy.headers.get("retry-after")).toBe("60");
    await busy.text();
    const now = Date.now();
    const later = vi.spyOn(Date, "now").mockImplementation(() => now + 61_000);
    try {
      const client = await connect(url, "v1@2025-11-25");
      expect(textOf(await client.callTool({ name: "echo", arguments: { text: "room" } }))).toBe("room");
    } finally {
      later.mockRestore();
    }
  });

  it("refuses new sessions past --max-sessions with 503, and closes idle ones", async () => {
    const { url } = await start({ stateful: true, sessions: { maxSessions: 2, idleMs: 300 } });
    const opened: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await post(url, initialize, AUTH);
      if (response.status === 200) opened.push(response.headers.get("mcp-session-id") ?? "");
      else {
        expect(response.status).toBe(503);
        // Retry once an idle session can have closed: the idle time in whole seconds, at least 1 (not a fixed 60).
        expect(response.headers.get("retry-after")).toBe("1");
        expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
          "Too many sessions: 2 are open, none idle 60 s or more (maxSessions: 2); one idle that long makes room, and idle ones close after 1 s",
        );
      }
    }
    expect(opened).toHaveLength(2);
    // Idle sessions close (the sweep runs at least every second); then there is room again.
    await new Promise((r) => setTimeout(r, 1600));
    const list = { jsonrpc: "2.0", id: 2, method: "tools/list" };
    const expired = await post(url, list, { ...AUTH, "mcp-session-id": opened[0] as string });
    expect(expired.status).toBe(404);
    expect(((await expired.json()) as { error: { message: string } }).error.message).toBe(
      "Session not found: it expired or was closed; initialize again",
    );
    expect((await post(url, initialize, AUTH)).status).toBe(200);
  });
});
