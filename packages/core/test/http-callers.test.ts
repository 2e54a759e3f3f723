// A remote server with many callers, over real HTTP with real SDK clients: named tokens with roles, sessions bound
// to their caller, per-caller rate and concurrency limits, the body cap, and the audit trail of each request.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type AuditEntry, openAuditLog } from "../src/audit-log.js";
import { tokensFileAuthenticator } from "../src/auth.js";
import { EMPTY_POLICY } from "../src/auth-roles.js";
import { CALLER_MIN_BURST } from "../src/caller-limits.js";
import { MAX_HTTP_BODY_BYTES } from "../src/http-options.js";
import { type HttpEndpoint, type HttpServeOptions, serveHttp } from "../src/http-server.js";
import { createLogger } from "../src/logger.js";
import { parseRateLimit } from "../src/rate-limit.js";
import { connectClient, type TestClient } from "./clients.js";
import { notesFactory, textOf } from "./fixtures.js";
import { libraryFactory } from "./library.js";
import { listeningClient } from "./listener.js";
import { TOOLS_LIST_BODY, TOOLS_LIST_HEADERS } from "./modern-request.js";

const TOKENS = {
  ci: "ci-token-0123456789abcdef",
  ops: "ops-token-0123456789abcdef",
  bob: "bob-token-0123456789abcdef",
};
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

const endpoints: HttpEndpoint[] = [];
const clients: TestClient[] = [];
const temps: string[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => {});
  for (const endpoint of endpoints.splice(0)) await endpoint.close();
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "mcp-callers-"));
  temps.push(dir);
  return dir;
}

/** A tokens file: ci reads, ops and bob write. */
function tokensFile(
  dir: string,
  entries = [
    { name: "ci", sha256: sha256(TOKENS.ci), roles: ["reader"] },
    { name: "ops", sha256: sha256(TOKENS.ops), roles: ["writer"] },
    { name: "bob", sha256: sha256(TOKENS.bob), roles: ["writer"] },
  ],
): string {
  const file = path.join(dir, "tokens.json");
  writeFileSync(file, JSON.stringify({ tokens: entries }));
  return file;
}

async function serve(options: Partial<HttpServeOptions> = {}, notes: string[] = []) {
  const auth = await tokensFileAuthenticator(tokensFile(tempDir()), EMPTY_POLICY);
  const endpoint = await serveHttp(notesFactory(notes), { host: "127.0.0.1", port: 0, auth, ...options });
  endpoints.push(endpoint);
  return endpoint;
}

async function connect(url: URL, token: string, kind: Parameters<typeof connectClient>[1] = "modern") {
  const client = await connectClient({ url, token }, kind);
  clients.push(client);
  return client;
}

function post(url: URL, token: string | undefined, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

let nextId = 1;
const callBody = (name: string, args: Record<string, unknown> = {}) => ({
  jsonrpc: "2.0",
  id: nextId++,
  method: "tools/call",
  params: { name, arguments: args },
});

describe("named tokens with roles", () => {
  it("shows and lets each caller use only what its roles allow", async () => {
    const { url } = await serve();
    const ci = await connect(url, TOKENS.ci);
    const ops = await connect(url, TOKENS.ops, "v1@2025-11-25");
    expect((await ci.listTools()).tools.map((t) => t.name)).toEqual(["read_notes"]);
    expect((await ops.listTools()).tools.map((t) => t.name).sort()).toEqual([
      "add_note",
      "read_notes",
      "slow_add_note",
    ]);
    expect(textOf(await ops.callTool({ name: "add_note", arguments: { text: "deploy" } }))).toBe("added note 1");
    expect(textOf(await ci.callTool({ name: "read_notes", arguments: {} }))).toBe("deploy");

    const refusedCall = callBody("add_note", { text: "x" });
    const refused = await post(url, TOKENS.ci, refusedCall);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    // No scope=: a named token's roles come from the operator, not from scopes (OAuth's 403 names one).
    expect(refused.headers.get("www-authenticate")).not.toContain("scope=");
    // A JSON-RPC error for the request, as every other refusal is.
    expect(await refused.json()).toEqual({
      jsonrpc: "2.0",
      id: refusedCall.id,
      error: {
        code: -32000,
        message: expect.stringMatching(
          /^Forbidden: tool add_note is not in the caller's roles \(reader\).*ask the server's operator/,
        ),
      },
    });
    // A batch smuggling one refused call is refused whole: nothing in it runs.
    const batch = await post(url, TOKENS.ci, [callBody("read_notes"), callBody("add_note", { text: "sneaky" })]);
    expect(batch.status).toBe(403);
    // One answer for the whole batch, as README's "Roles" says: no single request's id fits it.
    expect(await batch.json()).toMatchObject({
      id: null,
      error: { message: expect.stringMatching(/tool add_note is not in the caller's roles \(reader\)/) },
    });
    expect(textOf(await ci.callTool({ name: "read_notes", arguments: {} }))).toBe("deploy");
  });

  it("marks each caller's tool list private, so no shared cache hands it to another caller", async () => {
    const { url } = await serve();
    const list = (token: string) =>
      post(url, token, TOOLS_LIST_BODY, TOOLS_LIST_HEADERS).then(
        (r) => r.json() as Promise<{ result: { tools: { name: string }[]; cacheScope: string; ttlMs: number } }>,
      );
    const [ci, ops] = await Promise.all([list(TOKENS.ci), list(TOKENS.ops)]);
    expect(ci.result.tools.map((t) => t.name)).toEqual(["read_notes"]);
    expect(ops.result.tools).toHaveLength(3);
    expect([ci.result.cacheScope, ops.result.cacheScope]).toEqual(["private", "private"]);
    // A named token's roles change with the file (SIGHUP): the list is not to be reused.
    expect([ci.result.ttlMs, ops.result.ttlMs]).toEqual([0, 0]);
  });

  it("shows a client its new tools at once when its caller's roles change, rather than a list it cached", async () => {
    const dir = tempDir();
    const file = tokensFile(dir);
    const auth = await tokensFileAuthenticator(file, EMPTY_POLICY);
    const endpoint = await serveHttp(notesFactory([]), { host: "127.0.0.1", port: 0, auth });
    endpoints.push(endpoint);
    const ci = await connect(endpoint.url, TOKENS.ci);
    expect((await ci.listTools()).tools.map((t) => t.name)).toEqual(["read_notes"]);
    // ci is made a writer, as an OAuth step-up token would make it (the file re-read on SIGHUP).
    tokensFile(dir, [{ name: "ci", sha256: sha256(TOKENS.ci), roles: ["writer"] }]);
    await auth.reload?.();
    // With the hour-long hint, the client answered from its cache: read_notes alone, for up to an hour.
    expect((await ci.listTools()).tools).toHaveLength(3);
  });

  it("refuses unknown and missing tokens with 401", async () => {
    const { url } = await serve();
    for (const token of ["not-a-token", undefined, sha256(TOKENS.ops)]) {
      const response = await post(url, token, callBody("read_notes"));
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
  });

  it("binds a 2025-era session to the caller that opened it, and warns the operator of another caller's use", async () => {
    const lines: string[] = [];
    const logger = createLogger("test", "info", (line) => lines.push(line.trimEnd()));
    const { url } = await serve({ stateful: true, logger });
    const initialize = {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "curl", version: "1" } },
    };
    const opened = await post(url, TOKENS.ops, initialize);
    expect(opened.status).toBe(200);
    const session = {
      "mcp-session-id": opened.headers.get("mcp-session-id") as string,
      "mcp-protocol-version": "2025-06-18",
    };
    const list = { jsonrpc: "2.0", id: 2, method: "tools/list" };
    const stolen = await post(url, TOKENS.bob, list, session);
    expect(stolen.status).toBe(403);
    expect(await stolen.text()).toMatch(/this session belongs to another caller/);
    expect((await post(url, TOKENS.bob, list, session)).status).toBe(403);
    // One line for the two: who tried, from where, and whose session it is.
    expect(lines.filter((line) => line.includes("belongs to another caller"))).toEqual([
      `[test] warn: refused a request of bob from 127.0.0.1: HTTP 403: session ${session["mcp-session-id"]} belongs to another caller (ops)`,
    ]);
    expect((await post(url, TOKENS.ops, list, session)).status).toBe(200);
  });

  it("ends a 2025-era session whose caller's roles changed, so a new session offers what they allow now", async () => {
    const dir = tempDir();
    const file = tokensFile(dir);
    const auth = await tokensFileAuthenticator(file, EMPTY_POLICY);
    const endpoint = await serveHttp(notesFactory([]), { host: "127.0.0.1", port: 0, auth, stateful: true });
    endpoints.push(endpoint);
    const ci = await connect(endpoint.url, TOKENS.ci, "v2@2025-11-25");
    expect((await ci.listTools()).tools.map((t) => t.name)).toEqual(["read_notes"]);
    // The operator makes ci a writer and sends SIGHUP: its token now allows add_note, which its session lacks.
    writeFileSync(file, JSON.stringify({ tokens: [{ name: "ci", sha256: sha256(TOKENS.ci), roles: ["writer"] }] }));
    await auth.reload?.();
    const stale = ci.callTool({ name: "add_note", arguments: { text: "x" } });
    await expect(stale).rejects.toThrow(
      /Session ended: it was opened with the roles reader and this request's token has writer; .*initialize again/,
    );
    const renewed = await connect(endpoint.url, TOKENS.ci, "v2@2025-11-25");
    expect(textOf(await renewed.callTool({ name: "add_note", arguments: { text: "x" } }))).toBe("added note 1");
  });
});

describe("limits per caller", () => {
  it("answers a caller over its rate with 429 and Retry-After, leaving other callers alone", async () => {
    // As a bin sets it from --caller-rate-limit: the refusal names the flag that was given.
    const { url } = await serve({
      limits: { rate: { perSecond: 0.5, burst: 3 }, names: { rate: "--caller-rate-limit" } },
    });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const response = await post(url, TOKENS.ops, callBody("read_notes"));
      statuses.push(response.status);
      if (response.status === 429) {
        retryAfter = response.headers.get("retry-after");
        expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
          /limited to 30\/min with bursts of 3 \(--caller-rate-limit\)/,
        );
      } else await response.text();
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await post(url, TOKENS.bob, callBody("read_notes"))).status).toBe(200);
    // A batch counts each call in it.
    const batch = await post(url, TOKENS.ci, [
      callBody("read_notes"),
      callBody("read_notes"),
      callBody("read_notes"),
      callBody("read_notes"),
    ]);
    expect(batch.status).toBe(429);
    // Four is more than the burst of 3: no wait lets it through, so no Retry-After.
    expect(batch.headers.get("retry-after")).toBeNull();
  });

  it("refuses a call over the caller's concurrency at once with Retry-After: 1, never queueing it", async () => {
    const { url } = await serve({ limits: { maxConcurrent: 2 } });
    const slow = [0, 1].map((i) => post(url, TOKENS.ops, callBody("slow_add_note", { text: `slow ${i}`, ms: 1500 })));
    await new Promise((resolve) => setTimeout(resolve, 300));
    let third: Response | undefined;
    const settled = await Promise.race([
      post(url, TOKENS.ops, callBody("read_notes")).then((response) => {
        third = response;
        return "third answered";
      }),
      Promise.all(slow).then(() => "slow calls finished"),
    ]);
    expect(settled).toBe("third answered");
    expect(third?.status).toBe(429);
    expect(third?.headers.get("retry-after")).toBe("1");
    // Another caller is not held back by ops's running calls.
    expect((await post(url, TOKENS.bob, callBody("read_notes"))).status).toBe(200);
    for (const response of await Promise.all(slow)) expect(response.status).toBe(200);
    expect((await post(url, TOKENS.ops, callBody("read_notes"))).status).toBe(200);
    // A batch bigger than the cap could never run: the refusal says so, rather than "0 calls are running".
    const batch = await post(url, TOKENS.ops, [callBody("read_notes"), callBody("read_notes"), callBody("read_notes")]);
    expect(batch.status).toBe(429);
    // Waiting would not let it through: no Retry-After, which a client would obey and be refused again.
    expect(batch.headers.get("retry-after")).toBeNull();
    expect(((await batch.json()) as { error: { message: string } }).error.message).toBe(
      "Too many requests: this batch holds 3 requests, more than the 2 one caller may run at once (limits.maxConcurrent); send at most 2 per request",
    );
  });

  it("holds no running place for a 2026-07-28 client's listen stream, which its SDK opens by itself", async () => {
    const library = libraryFactory(1);
    const auth = await tokensFileAuthenticator(tokensFile(tempDir()), EMPTY_POLICY);
    const endpoint = await serveHttp(library.factory, {
      host: "127.0.0.1",
      port: 0,
      auth,
      limits: { maxConcurrent: 1 },
    });
    endpoints.push(endpoint);
    // A client of a server whose resource list can change subscribes to the changes as it connects.
    const client = await listeningClient(endpoint.url, TOKENS.ops);
    clients.push(client);
    // With its one place taken by the stream, this call was refused: "1 call of this caller is running".
    const added = await client.callTool({ name: "add_book", arguments: { name: "fresh", text: "new" } });
    expect(textOf(added)).toBe("added fresh");
  });

  it.each<Parameters<typeof connectClient>[1]>(["modern", "v1@2025-11-25", "v2@2025-11-25"])(
    "lets a %s client connect, list and call under 120/min with no burst given (notifications are free)",
    async (kind) => {
      const { url } = await serve({ limits: { rate: parseRateLimit("120/min", CALLER_MIN_BURST) } });
      const client = await connect(url, TOKENS.ops, kind);
      expect((await client.listTools()).tools.length).toBe(3);
      expect(textOf(await client.callTool({ name: "read_notes", arguments: {} }))).toBe("(no notes)");
      // Notifications cost nothing: many of them leave the bucket as it was.
      for (let i = 0; i < 20; i++) {
        const note = await post(url, TOKENS.bob, { jsonrpc: "2.0", method: "notifications/initialized" });
        expect(note.status).not.toBe(429);
        await note.text();
      }
      expect((await post(url, TOKENS.bob, callBody("read_notes"))).status).toBe(200);
    },
  );

  it("keeps one hammering caller from taking the server: its excess is refused before any work, the other's calls all go through", async () => {
    const notes: string[] = [];
    // bob's 20 calls and his connection stay within the burst however fast the machine; ops's 8 workers do not.
    const rate = { perSecond: 20, burst: 30 };
    const { url } = await serve({ limits: { rate, maxConcurrent: 4 } }, notes);
    const started = performance.now();
    let stop = false;
    // Each worker sends at most 100 requests and stops when bob is done, so the load is bounded on a slow machine
    // and no request outlives the test.
    const hammer = async (worker: number) => {
      const seen: number[] = [];
      for (let i = 0; !stop && i < 100; i++) {
        const response = await post(url, TOKENS.ops, callBody("add_note", { text: `ops ${worker}.${i}` }));
        seen.push(response.status);
        await response.text();
      }
      return seen;
    };
    const workers = Array.from({ length: 8 }, (_, w) => hammer(w));
    const bobResults: string[] = [];
    try {
      const bob = await connect(url, TOKENS.bob);
      for (let i = 0; i < 20; i++) {
        bobResults.push(textOf(await bob.callTool({ name: "add_note", arguments: { text: `bob ${i}` } })));
      }
    } finally {
      stop = true;
      await Promise.allSettled(workers);
    }
    const opsStatuses = (await Promise.all(workers)).flat();
    const elapsedS = (performance.now() - started) / 1000;

    expect(bobResults.every((text) => /^added note \d+$/.test(text))).toBe(true);
    expect(notes.filter((n) => n.startsWith("bob "))).toHaveLength(20);
    const opsDone = notes.filter((n) => n.startsWith("ops ")).length;
    expect(opsStatuses.filter((s) => s === 200)).toHaveLength(opsDone);
    // Whatever the machine's speed: ops got no more than its bucket holds and refills, the rest was refused.
    expect(opsDone).toBeLessThanOrEqual(rate.burst + Math.ceil(rate.perSecond * elapsedS) + 1);
    expect(opsStatuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(opsStatuses.every((s) => s === 200 || s === 429)).toBe(true);
  }, 60_000);

  it("caps request bodies with 413 before any of it runs, saying the limit in MiB and what to do instead", async () => {
    const { url } = await serve();
    const big = JSON.stringify(callBody("read_notes", { pad: "x".repeat(MAX_HTTP_BODY_BYTES) }));
    const response = await post(url, TOKENS.ops, big);
    expect(response.status).toBe(413);
    const { error } = (await response.json()) as { error: { code: number; message: string } };
    expect(error).toEqual({
      code: -32000,
      message:
        "Request body over 4 MiB, the most this server takes over HTTP; send less per request, or run the server over stdio, which takes messages of up to 32 MiB",
    });
  });
});

describe("audit trail", () => {
  it("writes one line per request: caller, method, tool, digest, outcome, duration and bytes", async () => {
    const dir = tempDir();
    const file = path.join(dir, "audit.log");
    writeFileSync(file, '{"earlier":"line"}\n');
    const audit = openAuditLog(file);
    const { url } = await serve({ audit, limits: { rate: { perSecond: 0.1, burst: 6 } } });
    const ops = await connect(url, TOKENS.ops);
    await ops.listTools();
    await ops.callTool({ name: "add_note", arguments: { text: "release", token: "s3cret-value" } });
    await ops.callTool({ name: "slow_add_note", arguments: { text: "oops", ms: 99_999 } }).catch(() => {});
    expect((await post(url, TOKENS.ci, callBody("add_note", { text: "x" }))).status).toBe(403);
    expect((await post(url, "wrong-token", callBody("read_notes"))).status).toBe(401);
    for (let i = 0; i < 8; i++) await (await post(url, TOKENS.bob, callBody("read_notes"))).text();
    // Requests the server answers with a JSON-RPC error are errors in the trail, with the code and message.
    await (await post(url, TOKENS.ci, callBody("no_such_tool", { password: "pw" }))).text();
    await (await post(url, TOKENS.ci, { jsonrpc: "2.0", id: "m1", method: "bogus/method" })).text();
    const read = { jsonrpc: "2.0", id: "r1", method: "resources/read", params: { uri: "notes://missing" } };
    await (await post(url, TOKENS.ci, read)).text();
    expect((await post(url, undefined, callBody("read_notes"))).status).toBe(401);
    await ops.close();
    await audit.close();

    const [first, ...rest] = readFileSync(file, "utf8").trim().split("\n");
    expect(first).toBe('{"earlier":"line"}');
    const lines = rest.map((line) => JSON.parse(line) as AuditEntry);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual([
        "ts",
        "request_id",
        "caller",
        "client_address",
        "method",
        "tool",
        "args_sha256",
        "args_preview",
        "outcome",
        "reason",
        "duration_ms",
        "bytes",
      ]);
      expect(Date.parse(line.ts)).not.toBeNaN();
      // Every line over HTTP names the address the request came from: here, this test's loopback client.
      expect(line.client_address).toBe("127.0.0.1");
      // And the size of the answer, a refusal's JSON-RPC error too.
      if (line.outcome !== "cancelled") expect(line.bytes).toBeGreaterThan(0);
    }
    const ok = lines.find((l) => l.tool === "add_note" && l.outcome === "ok");
    expect(ok).toMatchObject({
      caller: { sub: null, client_id: null, token_name: "ops" },
      method: "tools/call",
      // The digest is of the masked arguments: it cannot be used to guess the token offline.
      args_sha256: sha256('{"text":"release","token":"[redacted]"}'),
      args_preview: '{"text":"release","token":"[redacted]"}',
      reason: null,
    });
    expect(ok?.bytes).toBeGreaterThan(0);
    expect(lines.find((l) => l.tool === "slow_add_note")).toMatchObject({
      outcome: "error",
      reason: expect.stringMatching(/must be less than or equal to 5000|too big|5000/i),
    });
    // A refused call shows what was tried.
    expect(lines.find((l) => l.outcome === "refused")).toMatchObject({
      caller: { token_name: "ci" },
      tool: "add_note",
      args_sha256: sha256('{"text":"x"}'),
      args_preview: '{"text":"x"}',
      reason: expect.stringMatching(/not in the caller's roles/),
    });
    // A 401 says why, as the client was told, never the token.
    const unauthorized = lines.filter((l) => l.outcome === "unauthorized");
    expect(unauthorized.map((l) => l.reason)).toEqual([
      "HTTP 401: the token is not one the operator issued (or it was withdrawn)",
      "HTTP 401: no bearer token",
    ]);
    expect(unauthorized[0]).toMatchObject({ caller: null, method: "POST (body not read)" });
    expect(lines.find((l) => l.tool === "no_such_tool")).toMatchObject({
      method: "tools/call",
      outcome: "error",
      // What the caller may use instead: its roles' tools, though the server built for this call registered none.
      reason: "-32602 Tool no_such_tool not found; the tools offered here are read_notes",
      args_preview: '{"password":"[redacted]"}',
    });
    expect(lines.find((l) => l.method === "bogus/method")).toMatchObject({
      request_id: expect.stringMatching(/\/m1$/),
      outcome: "error",
      reason: expect.stringMatching(/^-32601 /),
    });
    expect(lines.find((l) => l.method === "resources/read")).toMatchObject({
      request_id: expect.stringMatching(/\/r1$/),
      outcome: "error",
      reason: expect.stringMatching(/^-32\d+ .*notes:\/\/missing/),
    });
    // One line per request: no request is written twice (once where it ran, once at the door).
    const ids = lines.map((l) => l.request_id);
    expect(new Set(ids).size).toBe(ids.length);
    const limited = lines.filter((l) => l.outcome === "rate_limited");
    expect(limited.length).toBeGreaterThanOrEqual(2);
    expect(limited[0]).toMatchObject({ caller: { token_name: "bob" }, tool: "read_notes" });
    expect(lines.some((l) => l.method === "tools/list" && l.outcome === "ok" && l.bytes > 0)).toBe(true);
    expect(JSON.stringify(lines)).not.toContain("s3cret-value");
    expect(JSON.stringify(lines)).not.toContain('"pw"');
    expect(JSON.stringify(lines)).not.toContain("wrong-token");
  });

  it("writes an unknown caller's MCP-Method header as its method only when it is an MCP method", async () => {
    const file = path.join(tempDir(), "audit.log");
    const audit = openAuditLog(file);
    const { url } = await serve({ audit });
    const unread = (method: string) => post(url, "wrong-token", callBody("read_notes"), { "mcp-method": method });
    expect((await unread("tools/list")).status).toBe(401);
    // The header is the unknown caller's own text: 10 KB of it made a 10 KB line, one per request.
    expect((await unread("m".repeat(10_000))).status).toBe(401);
    await audit.close();
    const lines = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as AuditEntry);
    expect(lines.map((l) => [l.outcome, l.method])).toEqual([
      ["unauthorized", "tools/list"],
      ["unauthorized", "POST (body not read)"],
    ]);
  });
});
