// What one caller may hold open, with real SDK clients of both generations over HTTP on 127.0.0.1: listen streams
// (2026-07-28 subscriptions/listen, a 2025 session's GET stream; limits.maxStreams, access-admit.ts) and sessions
// (--stateful; sessions.maxSessionsPerCaller, sessions.ts). One caller at its cap leaves the others untouched.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as V1StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tokensFileAuthenticator } from "../src/auth.js";
import { EMPTY_POLICY } from "../src/auth-roles.js";
import { type HttpEndpoint, type HttpServeOptions, serveHttp } from "../src/http-server.js";
import { memoryAudit } from "./audit-trail.js";
import { connectClient, type TestClient } from "./clients.js";
import { textOf } from "./fixtures.js";
import { libraryFactory } from "./library.js";
import { listeningClient } from "./listener.js";
import { TOOLS_LIST_BODY } from "./modern-request.js";

const TOKENS = { ops: "ops-token-0123456789abcdef", bob: "bob-token-0123456789abcdef" };
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

const endpoints: HttpEndpoint[] = [];
const closers: { close(): Promise<void> }[] = [];
const temps: string[] = [];
const aborts: AbortController[] = [];

afterEach(async () => {
  for (const abort of aborts.splice(0)) abort.abort();
  for (const client of closers.splice(0)) await client.close().catch(() => {});
  for (const endpoint of endpoints.splice(0)) await endpoint.close();
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Serve a library of one book to the named tokens ops and bob, both writers. */
async function serve(options: Partial<HttpServeOptions>) {
  const dir = mkdtempSync(path.join(tmpdir(), "mcp-open-"));
  temps.push(dir);
  const file = path.join(dir, "tokens.json");
  const tokens = Object.entries(TOKENS).map(([name, token]) => ({ name, sha256: sha256(token), roles: ["writer"] }));
  writeFileSync(file, JSON.stringify({ tokens }));
  const auth = await tokensFileAuthenticator(file, EMPTY_POLICY);
  const endpoint = await serveHttp(libraryFactory(1).factory, { host: "127.0.0.1", port: 0, auth, ...options });
  endpoints.push(endpoint);
  return endpoint.url;
}

async function listener(url: URL, token: string) {
  const client = await listeningClient(url, token);
  closers.push(client);
  return client;
}

async function connect(url: URL, token: string, kind: Parameters<typeof connectClient>[1]): Promise<TestClient> {
  const client = await connectClient({ url, token }, kind);
  closers.push(client);
  return client;
}

const headers = (token: string, more: Record<string, string> = {}) => ({
  authorization: `Bearer ${token}`,
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  ...more,
});

const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};

const STREAM_CAP = (open: string) =>
  `${open} of this caller is open, the most one caller may hold (limits.maxStreams); close one it no longer reads before opening another`;

describe("listen streams per caller", () => {
  it("refuses a 2026-07-28 client's listen stream past the cap with 429 and no Retry-After; its calls, other callers and a freed place go on", async () => {
    const url = await serve({ limits: { maxStreams: 1 } });
    const first = await listener(url, TOKENS.ops);
    expect(first.autoOpenedSubscription).toBeDefined();
    // Connected all the same, without the stream: the SDK reports the refusal and carries on.
    const second = await listener(url, TOKENS.ops);
    expect(second.autoOpenedSubscription).toBeUndefined();
    expect(second.errors.map((e) => e.message).join("\n")).toContain(
      `Too many requests: ${STREAM_CAP("1 listen stream")}`,
    );
    expect(textOf(await second.callTool({ name: "add_book", arguments: { name: "fresh", text: "new" } }))).toBe(
      "added fresh",
    );
    // Waiting would not close a stream: no Retry-After.
    const raw = await fetch(url, {
      method: "POST",
      headers: headers(TOKENS.ops),
      body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "subscriptions/listen", params: {} }),
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get("retry-after")).toBeNull();
    expect(await raw.json()).toEqual({
      jsonrpc: "2.0",
      id: 9,
      error: { code: -32000, message: `Too many requests: ${STREAM_CAP("1 listen stream")}` },
    });
    expect((await listener(url, TOKENS.bob)).autoOpenedSubscription).toBeDefined();
    // The first client leaves: its place is free again once the server sees its stream close.
    await first.close();
    await expect
      .poll(async () => (await listener(url, TOKENS.ops)).autoOpenedSubscription !== undefined, { timeout: 5000 })
      .toBe(true);
  });

  it("counts no GET without a session, which is answered at once, not a stream (stateless 2025 clients)", async () => {
    const url = await serve({ limits: { maxStreams: 1 } });
    const held = await listener(url, TOKENS.ops);
    expect(held.autoOpenedSubscription).toBeDefined();
    // With its one place taken, GETs without a session get the SDK's own answer (405 when stateless), not a 429.
    for (let i = 0; i < 3; i++) {
      const get = await fetch(url, { headers: headers(TOKENS.ops, { "mcp-protocol-version": "2025-11-25" }) });
      expect(get.status).toBe(405);
      await get.text();
    }
    const v1 = await connect(url, TOKENS.ops, "v1@2025-11-25");
    expect(textOf(await v1.callTool({ name: "add_book", arguments: { name: "v1", text: "t" } }))).toBe("added v1");
  });

  it("refuses a 2025 client's GET stream past the cap (--stateful), and the client calls on without it", async () => {
    const url = await serve({ stateful: true, limits: { maxStreams: 1 } });
    // The caller's one place, taken by a stream of its own session.
    const opened = await fetch(url, { method: "POST", headers: headers(TOKENS.ops), body: JSON.stringify(initialize) });
    const session = opened.headers.get("mcp-session-id") ?? "";
    await opened.text();
    const abort = new AbortController();
    aborts.push(abort);
    const held = await fetch(url, {
      headers: headers(TOKENS.ops, { "mcp-session-id": session, "mcp-protocol-version": "2025-11-25" }),
      signal: abort.signal,
    });
    expect(held.status).toBe(200);
    // A v1 client of the same caller: its GET stream is refused, which it reports, and it serves on.
    const errors: Error[] = [];
    const client = new V1Client({ name: "v1", version: "1.0.0" });
    client.onerror = (error) => errors.push(error);
    closers.push(client);
    await client.connect(
      new V1StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${TOKENS.ops}` } } }),
    );
    await expect.poll(() => errors.map((e) => e.message).join("\n"), { timeout: 5000 }).toMatch(/429|Too Many/i);
    const added = await client.callTool({ name: "add_book", arguments: { name: "v1", text: "t" } });
    expect((added.content as { text: string }[])[0]?.text).toBe("added v1");
    const refused = await fetch(url, {
      headers: headers(TOKENS.ops, { "mcp-session-id": session, "mcp-protocol-version": "2025-11-25" }),
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBeNull();
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
      `Too many requests: ${STREAM_CAP("1 listen stream")}`,
    );
  });
});

describe("sessions per caller (--stateful)", () => {
  it("refuses a caller's session past its cap with 429 and Retry-After, serves other callers, and makes room from its own idlest", async () => {
    const url = await serve({ stateful: true, sessions: { maxSessionsPerCaller: 1, idleMs: 3_600_000 } });
    const message =
      "Too many sessions: this caller has 1 open, the most one caller may (maxSessionsPerCaller: 1); end one it no longer uses (DELETE), or wait: one idle 60 s makes room, and idle ones close after 3600 s";
    // ops's one session, left open by a client that went away without ending it (no DELETE, no stream).
    const opened = await fetch(url, { method: "POST", headers: headers(TOKENS.ops), body: JSON.stringify(initialize) });
    expect(opened.status).toBe(200);
    const kept = opened.headers.get("mcp-session-id") ?? "";
    await opened.text();
    await expect(connectClient({ url, token: TOKENS.ops }, "v2@2025-11-25")).rejects.toThrow(message);
    const raw = await fetch(url, { method: "POST", headers: headers(TOKENS.ops), body: JSON.stringify(initialize) });
    expect(raw.status).toBe(429);
    // Waiting helps: that session makes room once idle a minute.
    expect(raw.headers.get("retry-after")).toBe("60");
    expect(await raw.json()).toEqual({ jsonrpc: "2.0", id: null, error: { code: -32000, message } });
    // Another caller is not held up by ops's cap.
    const bob = await connect(url, TOKENS.bob, "v2@2025-11-25");
    expect(textOf(await bob.callTool({ name: "add_book", arguments: { name: "bob", text: "t" } }))).toBe("added bob");
    // A minute on, ops's own idle session is closed for its new one; bob's stays.
    const now = Date.now();
    const later = vi.spyOn(Date, "now").mockImplementation(() => now + 61_000);
    try {
      const fresh = await connect(url, TOKENS.ops, "v1@2025-11-25");
      expect(textOf(await fresh.callTool({ name: "add_book", arguments: { name: "ops", text: "t" } }))).toBe(
        "added ops",
      );
    } finally {
      later.mockRestore();
    }
    const ping = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" });
    const gone = await fetch(url, {
      method: "POST",
      headers: headers(TOKENS.ops, { "mcp-session-id": kept, "mcp-protocol-version": "2025-11-25" }),
      body: ping,
    });
    expect(gone.status).toBe(404);
    await gone.text();
    expect(textOf(await bob.callTool({ name: "add_book", arguments: { name: "bob2", text: "t" } }))).toBe("added bob2");
  });
});

describe("a shared token behind a reverse proxy (trustProxy)", () => {
  const SHARED = "shared-token-0123456789abcdef0123";
  const lines: string[] = [];
  const infos: string[] = [];
  const logger = {
    debug: () => {},
    info: (line: string) => infos.push(line),
    warn: (line: string) => lines.push(line),
    error: () => {},
  };

  async function serveShared(options: Partial<HttpServeOptions>) {
    const endpoint = await serveHttp(libraryFactory(1).factory, {
      host: "127.0.0.1",
      port: 0,
      token: SHARED,
      logger,
      ...options,
    });
    endpoints.push(endpoint);
    return endpoint.url;
  }

  /** Open a 2026-07-28 listen stream as a proxy would forward it for `client` (none: sent directly), and keep it. */
  async function listenFor(url: URL, client?: string): Promise<number> {
    const abort = new AbortController();
    aborts.push(abort);
    const response = await fetch(url, {
      method: "POST",
      headers: headers(SHARED, {
        "mcp-protocol-version": "2026-07-28",
        "mcp-method": "subscriptions/listen",
        ...(client ? { "x-forwarded-for": client } : {}),
      }),
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "subscriptions/listen",
        params: { notifications: { resourcesListChanged: true }, _meta: TOOLS_LIST_BODY.params._meta },
      }),
      signal: abort.signal,
    });
    if (response.status !== 200) await response.text();
    return response.status;
  }

  it("counts listen streams per forwarded client when the proxy is trusted, and names the client in the log", async () => {
    lines.length = 0;
    const url = await serveShared({ trustProxy: ["loopback"], limits: { maxStreams: 1 } });
    expect(await listenFor(url, "203.0.113.7")).toBe(200);
    expect(await listenFor(url, "203.0.113.7")).toBe(429);
    // Other clients behind the same proxy are not held up by the first one's cap, nor is a direct caller.
    expect(await listenFor(url, "198.51.100.9")).toBe(200);
    expect(await listenFor(url, "2001:db8::5")).toBe(200);
    expect(await listenFor(url)).toBe(200);
    // A client cannot pick its address: what it sends itself is left of the hop the proxy appended.
    expect(await listenFor(url, "192.0.2.1, 203.0.113.7")).toBe(429);
    const refused = await fetch(url, {
      method: "POST",
      headers: headers("wrong-token", { "x-forwarded-for": "198.51.100.44" }),
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    });
    expect(refused.status).toBe(401);
    await refused.text();
    expect(lines.join("\n")).toContain("refused POST /mcp from 198.51.100.44: HTTP 401");
  });

  it("warns once when a trusted proxy forwards without X-Forwarded-For, as every client then counts as the proxy", async () => {
    lines.length = 0;
    const url = await serveShared({ trustProxy: ["loopback"], limits: { maxStreams: 1 } });
    expect(await listenFor(url, "203.0.113.7")).toBe(200);
    expect(lines.join("\n")).not.toContain("X-Forwarded-For");
    // A proxy that does not send the header: its clients share the proxy's one stream.
    expect(await listenFor(url)).toBe(200);
    expect(await listenFor(url)).toBe(429);
    const warnings = lines.filter((line) => line.includes("with no X-Forwarded-For"));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^a request came from (127\.0\.0\.1|::ffff:127\.0\.0\.1), a proxy trusted by trustProxy, with no X-Forwarded-For: its client is counted and logged as .*proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/,
      ),
    ]);
  });

  it("logs a client's repeated refusals once, and another client's on their own", async () => {
    lines.length = 0;
    const url = await serveShared({ trustProxy: ["loopback"] });
    const refusedFor = async (client: string) => {
      const response = await fetch(url, {
        method: "POST",
        headers: headers("wrong-token", { "x-forwarded-for": client }),
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
      });
      await response.text();
      return response.status;
    };
    for (let n = 0; n < 5; n++) expect(await refusedFor("198.51.100.50")).toBe(401);
    expect(await refusedFor("198.51.100.51")).toBe(401);
    expect(lines.filter((line) => line.startsWith("refused POST /mcp from 198.51.100.50: HTTP 401"))).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith("refused POST /mcp from 198.51.100.51: HTTP 401"))).toHaveLength(1);
  });

  it("logs a request without credentials at info, as the first step of a sign-in, and a wrong token as a warning", async () => {
    lines.length = 0;
    infos.length = 0;
    const url = await serveShared({ trustProxy: ["loopback"] });
    const post = async (client: string, token?: string) => {
      const { authorization, ...unsigned } = headers(token ?? "", { "x-forwarded-for": client });
      const response = await fetch(url, {
        method: "POST",
        headers: token === undefined ? unsigned : { authorization, ...unsigned },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
      });
      await response.text();
      return response.status;
    };
    expect(await post("198.51.100.60")).toBe(401);
    expect(await post("198.51.100.61", "wrong-token")).toBe(401);
    expect(infos).toContain("refused POST /mcp from 198.51.100.60: HTTP 401: no bearer token");
    expect(lines.join("\n")).not.toContain("198.51.100.60");
    expect(lines.filter((line) => line.startsWith("refused POST /mcp from 198.51.100.61: HTTP 401"))).toHaveLength(1);
  });

  it("writes the forwarded client's address in the audit trail: calls that ran, and refusals", async () => {
    const { audit, entries } = memoryAudit();
    const url = await serveShared({ trustProxy: ["loopback"], audit });
    const post = async (token: string, client: string) => {
      const response = await fetch(url, {
        method: "POST",
        headers: headers(token, { "x-forwarded-for": client, "mcp-protocol-version": "2025-11-25" }),
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 5,
          method: "tools/call",
          params: { name: "add_book", arguments: { name: "n", text: "t" } },
        }),
      });
      await response.text();
      return response.status;
    };
    expect(await post(SHARED, "203.0.113.7")).toBe(200);
    expect(await post("wrong-token", "198.51.100.44")).toBe(401);
    await expect.poll(() => entries.length).toBeGreaterThanOrEqual(2);
    expect(entries.find((e) => e.tool === "add_book")).toMatchObject({ outcome: "ok", client_address: "203.0.113.7" });
    expect(entries.find((e) => e.outcome === "unauthorized")).toMatchObject({ client_address: "198.51.100.44" });
  });

  it("ignores X-Forwarded-For without trustProxy, or from a peer it does not trust: one address, one cap", async () => {
    for (const trustProxy of [undefined, ["10.0.0.0/8"]]) {
      const url = await serveShared({ ...(trustProxy ? { trustProxy } : {}), limits: { maxStreams: 1 } });
      expect(await listenFor(url, "203.0.113.7")).toBe(200);
      expect(await listenFor(url, "198.51.100.9")).toBe(429);
    }
  });

  it("counts a 2025 client's sessions per forwarded client (--stateful)", async () => {
    const url = await serveShared({
      trustProxy: ["127.0.0.1"],
      stateful: true,
      sessions: { maxSessionsPerCaller: 1, idleMs: 3_600_000 },
    });
    const open = async (client: string) => {
      const response = await fetch(url, {
        method: "POST",
        headers: headers(SHARED, { "x-forwarded-for": client }),
        body: JSON.stringify(initialize),
      });
      await response.text();
      return response.status;
    };
    expect(await open("203.0.113.7")).toBe(200);
    expect(await open("198.51.100.9")).toBe(200);
    expect(await open("203.0.113.7")).toBe(429);
  });
});
