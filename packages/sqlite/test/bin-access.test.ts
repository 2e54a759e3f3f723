// The shipped SQLite bin hosted for a team: named tokens with roles, OAuth tokens from a real identity provider,
// per-caller limits and the audit trail, configured as an operator would (flags and environment), and SIGHUP as
// logrotate and token changes use it.

import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type LaunchedHttp, launchHttp } from "../../core/test/built-server.js";
import { connectClient, type TestClient } from "../../core/test/clients.js";
import { type IdentityProvider, startIdentityProvider } from "../../core/test/identity-provider.js";

const DIST = fileURLToPath(new URL("../dist", import.meta.url));
const INFO = { name: "test", version: "1.0.0" };
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const token = () => randomBytes(16).toString("hex");

let dir: string;
const launched: LaunchedHttp[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => {});
  for (const server of launched.splice(0)) await server.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function freshDir(): string {
  dir = mkdtempSync(path.join(tmpdir(), "mcp-sqlite-team-"));
  return dir;
}

async function launch(args: string[], env: Record<string, string>) {
  const server = await launchHttp(DIST, "bin", args, env);
  launched.push(server);
  return server;
}

async function connect(url: URL, bearer: string) {
  const client = await connectClient({ url, token: bearer });
  clients.push(client);
  return client;
}

const names = async (client: TestClient) => (await client.listTools()).tools.map((t) => t.name).sort();
const auditLines = (file: string) =>
  readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** Wait until `check` holds, polling every 50 ms for up to 5 s. */
async function eventually(check: () => boolean | Promise<boolean>, what: string) {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function tokensFile(file: string, entries: { name: string; token: string; roles: string[] }[]) {
  writeFileSync(
    file,
    JSON.stringify({ tokens: entries.map((e) => ({ name: e.name, sha256: sha256(e.token), roles: e.roles })) }),
  );
}

describe("the SQLite bin with one shared token", () => {
  it("names a short MCP_AUTH_TOKEN as guessable at start-up, and serves; a long one is taken quietly", async () => {
    const db = path.join(freshDir(), "t.db");
    const short = await launch(["--db", db], { MCP_AUTH_TOKEN: "s3cret" });
    expect(short.log.text).toContain(
      "MCP_AUTH_TOKEN is 6 characters: whoever reaches the port can try to guess one so short; use 32 or more random characters (openssl rand -hex 32)",
    );
    expect(await names(await connect(short.url, "s3cret"))).toContain("execute_query");
    const long = await launch(["--db", db], { MCP_AUTH_TOKEN: token() });
    expect(long.log.text).not.toContain("MCP_AUTH_TOKEN is");
  });
});

describe("the SQLite bin with named tokens", () => {
  it("gives each token its role, audits each request, and on SIGHUP re-reads the tokens and reopens the log", async () => {
    const root = freshDir();
    const tokens = path.join(root, "tokens.json");
    const audit = path.join(root, "audit.log");
    const [ci, ops, newcomer] = [token(), token(), token()];
    tokensFile(tokens, [
      { name: "ci", token: ci, roles: ["reader"] },
      { name: "ops", token: ops, roles: ["writer"] },
    ]);
    const server = await launch(["--db", path.join(root, "team.db")], {
      MCP_AUTH_TOKENS_FILE: tokens,
      MCP_AUDIT_LOG: audit,
    });
    const reader = await connect(server.url, ci);
    const writer = await connect(server.url, ops);
    expect(await names(reader)).toEqual(["describe_table", "execute_query", "list_tables"]);
    expect(await names(writer)).toEqual([
      "describe_table",
      "execute_query",
      "execute_transaction",
      "execute_write",
      "list_tables",
    ]);
    await writer.callTool({ name: "execute_write", arguments: { sql: "CREATE TABLE t (x)" } });
    await expect(reader.callTool({ name: "execute_write", arguments: { sql: "DROP TABLE t" } })).rejects.toThrow();
    await expect(connect(server.url, newcomer)).rejects.toThrow();

    // logrotate moves the log, the operator adds a token and retires ci; then SIGHUP.
    renameSync(audit, `${audit}.1`);
    tokensFile(tokens, [
      { name: "ops", token: ops, roles: ["writer"] },
      { name: "newcomer", token: newcomer, roles: ["reader"] },
    ]);
    server.child.kill("SIGHUP");
    const reloaded = `SIGHUP: reopened the audit log ${audit}; re-read the tokens file ${tokens}`;
    await eventually(() => server.log.text.includes(reloaded), "the reload");
    const late = await connect(server.url, newcomer);
    expect(await names(late)).toEqual(["describe_table", "execute_query", "list_tables"]);
    await expect(connect(server.url, ci)).rejects.toThrow();

    // A broken file is reported and changes nothing.
    writeFileSync(tokens, "{ not json");
    server.child.kill("SIGHUP");
    await eventually(() => server.log.text.includes("SIGHUP: kept the previous tokens: "), "the refusal");
    expect(server.log.text).toMatch(/tokens\.json is not valid JSON/);
    await late.callTool({ name: "list_tables", arguments: {} });

    const before = auditLines(`${audit}.1`);
    expect(before.find((l) => l.tool === "execute_write" && l.outcome === "ok")).toMatchObject({
      caller: { sub: null, client_id: null, token_name: "ops" },
      args_preview: '{"sql":"CREATE TABLE t (x)"}',
    });
    expect(before.find((l) => l.outcome === "refused")).toMatchObject({
      caller: { token_name: "ci" },
      tool: "execute_write",
    });
    await eventually(() => existsSync(audit) && auditLines(audit).some((l) => l.tool === "list_tables"), "new lines");
    const after = auditLines(audit);
    expect(after.some((l) => (l.caller as { token_name?: string } | null)?.token_name === "newcomer")).toBe(true);
    expect(after.every((l) => !before.some((b) => b.request_id === l.request_id))).toBe(true);
  });

  it.each(["modern", "v1@2025-11-25", "v2@2025-11-25"] as const)(
    "lets a %s client connect, list and call under --caller-rate-limit 120/min (no burst given)",
    async (kind) => {
      const root = freshDir();
      const tokens = path.join(root, "tokens.json");
      const bearer = token();
      tokensFile(tokens, [{ name: "app", token: bearer, roles: ["reader"] }]);
      const server = await launch(
        ["--db", path.join(root, "team.db"), "--tokens-file", tokens, "--caller-rate-limit", "120/min"],
        {},
      );
      const client = await connectClient({ url: server.url, token: bearer }, kind);
      clients.push(client);
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      const result = await client.callTool({ name: "execute_query", arguments: { sql: "SELECT 1 AS one" } });
      expect(result.isError).toBeFalsy();
    },
  );

  it("limits each caller's rate, answering 429 with Retry-After", async () => {
    const root = freshDir();
    const tokens = path.join(root, "tokens.json");
    const [a, b] = [token(), token()];
    tokensFile(tokens, [
      { name: "a", token: a, roles: ["reader"] },
      { name: "b", token: b, roles: ["reader"] },
    ]);
    const server = await launch(
      ["--db", path.join(root, "team.db"), "--tokens-file", tokens, "--caller-rate-limit", "30/min,burst=3"],
      {},
    );
    const post = (bearer: string) =>
      fetch(server.url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${bearer}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(a)).status);
    expect(statuses.slice(3)).toEqual([429]);
    const limited = await post(a);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await post(b)).status).not.toBe(429);
  });
});

describe("the SQLite bin with OAuth", () => {
  let idp: IdentityProvider;
  const RESOURCE = "https://db.example.test/mcp";
  beforeAll(async () => {
    idp = await startIdentityProvider({
      scopes: ["mcp:read", "mcp:write"],
      clients: [{ id: "dashboard", secret: "dashboard-secret", scope: "mcp:read" }],
    });
  });
  afterAll(async () => {
    await idp?.close();
  });

  it("accepts the provider's tokens for its resource, and publishes where to get them", async () => {
    const root = freshDir();
    const server = await launch(
      ["--db", path.join(root, "team.db"), "--auth", "oauth", "--issuer", idp.issuer, "--resource", RESOURCE],
      {},
    );
    await eventually(() => server.log.text.includes(`accepting access tokens from ${idp.issuer}`), "discovery");
    const metadata = await fetch(new URL("/.well-known/oauth-protected-resource/mcp", server.url));
    expect(await metadata.json()).toMatchObject({ resource: RESOURCE, authorization_servers: [idp.issuer] });
    const client = await connect(server.url, await idp.token("dashboard", "mcp:read", RESOURCE));
    expect(await names(client)).toEqual(["describe_table", "execute_query", "list_tables"]);
    const elsewhere = await idp.token("dashboard", "mcp:read", "https://other.example.test/mcp");
    await expect(connect(server.url, elsewhere)).rejects.toThrow();
  });
});

describe("the SQLite bin's access settings", () => {
  it("writes the audit trail on stdio too: every request, in the same format, errors as errors", async () => {
    const root = freshDir();
    const audit = path.join(root, "audit.log");
    const child = spawn(
      process.execPath,
      [path.join(DIST, "cli.cjs"), "--db", path.join(root, "a.db"), "--audit-log", audit],
      { env: { PATH: process.env.PATH ?? "" }, stdio: ["pipe", "pipe", "ignore"] },
    );
    const requests = [
      { id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: INFO } },
      { method: "notifications/initialized" },
      { id: 2, method: "tools/list" },
      { id: 3, method: "tools/call", params: { name: "execute_query", arguments: { sql: "SELECT 1 AS one" } } },
      { id: 4, method: "tools/call", params: { name: "no_such_tool", arguments: {} } },
      { id: 5, method: "bogus/method" },
    ];
    let out = "";
    const answered = new Promise<void>((resolve) => {
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.split("\n").filter(Boolean).length >= 5) resolve();
      });
    });
    for (const r of requests) child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", ...r })}\n`);
    await answered;
    child.stdin.end();
    await new Promise((resolve) => child.once("exit", resolve));
    // Lines are written as answers go out, so in the order requests finish.
    const lines = auditLines(audit).sort((a, b) =>
      String(a.request_id).localeCompare(String(b.request_id), "en", { numeric: true }),
    );
    expect(lines.map((l) => [l.method, l.tool, l.outcome])).toEqual([
      ["initialize", null, "ok"],
      ["tools/list", null, "ok"],
      ["tools/call", "execute_query", "ok"],
      ["tools/call", "no_such_tool", "error"],
      ["bogus/method", null, "error"],
    ]);
    expect(lines[2]).toMatchObject({
      caller: null,
      client_address: null,
      args_preview: '{"sql":"SELECT 1 AS one"}',
      request_id: "stdio/3",
    });
    expect(lines[4]?.reason).toMatch(/^-32601 /);
    for (const line of lines) expect(Object.keys(line)).toHaveLength(12);
  });

  it.each([
    [["--transport", "http", "--auth", "oauth"], {}, /--auth oauth needs --issuer \(MCP_OAUTH_ISSUER\)/],
    [["--transport", "http"], { MCP_AUTH_TOKENS_FILE: "/nonexistent/tokens.json" }, /--tokens-file .*ENOENT/],
    [["--audit-log", "/nonexistent/dir/audit.log"], {}, /--audit-log \(MCP_AUDIT_LOG\): cannot append to/],
    [["--transport", "http", "--caller-rate-limit", "fast"], { MCP_AUTH_TOKEN: "t" }, /--caller-rate-limit/],
    // The README's flow exports MCP_AUTH_TOKEN before the team section's --tokens-file: say so, do not pick one.
    [
      ["--transport", "http", "--tokens-file", "/nonexistent/tokens.json"],
      { MCP_AUTH_TOKEN: "t" },
      /both MCP_AUTH_TOKEN and --tokens-file are set: choose one with --auth/,
    ],
    [
      ["--transport", "http", "--auth", "token", "--tokens-file", "/nonexistent/tokens.json"],
      { MCP_AUTH_TOKEN: "t" },
      /--auth token does not use --tokens-file/,
    ],
  ])("refuses %j %j in one line, exit code 2", async (args, env, message) => {
    const root = freshDir();
    const child = spawn(process.execPath, [path.join(DIST, "cli.cjs"), "--db", path.join(root, "x.db"), ...args], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(message);
  });
});
