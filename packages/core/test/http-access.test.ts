// What the HTTP gate tells a caller whose valid token grants nothing, and who may read /metrics on the MCP port:
// OAuth tokens from a real identity provider (oidc-provider on 127.0.0.1) and named tokens, real SDK clients.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AuditEntry, openAuditLog } from "../src/audit-log.js";
import { type Authenticator, tokensFileAuthenticator } from "../src/auth.js";
import { oauthAuthenticator } from "../src/auth-oauth-authenticator.js";
import { parsePolicy } from "../src/auth-roles.js";
import { type HttpEndpoint, serveHttp } from "../src/http-server.js";
import type { Logger } from "../src/logger.js";
import { createMetrics } from "../src/metrics.js";
import { bearerPost } from "./bearer-post.js";
import { type ClientKind, connectClient, type TestClient } from "./clients.js";
import { notesFactory } from "./fixtures.js";
import { type IdentityProvider, startIdentityProvider } from "./identity-provider.js";
import { libraryFactory } from "./library.js";

const RESOURCE = "https://mcp.example.test/mcp";
const POLICY = parsePolicy(
  JSON.stringify({ roles: { analyst: ["read_notes"] }, scopes: { "mcp:analyst": "analyst" } }),
);
const CLIENTS = [
  { id: "reader-app", secret: "reader-secret", scope: "mcp:read" },
  { id: "writer-app", secret: "writer-secret", scope: "mcp:read mcp:write" },
  { id: "scraper-app", secret: "scraper-secret", scope: "mcp:metrics" },
  { id: "stranger-app", secret: "stranger-secret", scope: "files:read" },
];

let idp: IdentityProvider;
const endpoints: HttpEndpoint[] = [];
const clients: TestClient[] = [];
let dir: string | undefined;

beforeAll(async () => {
  idp = await startIdentityProvider({
    scopes: ["mcp:read", "mcp:write", "mcp:metrics", "files:read"],
    clients: CLIENTS,
  });
});
afterAll(async () => {
  await idp.close();
});
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => {});
  for (const endpoint of endpoints.splice(0)) await endpoint.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Serve the notes with `auth`, Prometheus metrics on the MCP port, and a log whose warnings and notes are kept. */
async function serve(auth: Authenticator) {
  const warnings: string[] = [];
  const notes: string[] = [];
  const logger: Logger = {
    debug() {},
    info: (line) => void notes.push(line),
    warn: (line) => void warnings.push(line),
    error() {},
  };
  const factory = notesFactory();
  const metrics = createMetrics(factory.stats);
  const endpoint = await serveHttp(factory, { host: "127.0.0.1", port: 0, auth, policy: POLICY, metrics, logger });
  endpoints.push({
    ...endpoint,
    async close() {
      await endpoint.close();
      metrics.close();
    },
  });
  return { url: endpoint.url, warnings, notes };
}

const oauth = () => oauthAuthenticator({ issuer: idp.issuer, resource: RESOURCE }, POLICY);
const tokenOf = (client: string) => idp.token(client, CLIENTS.find((c) => c.id === client)?.scope ?? "", RESOURCE);

async function connect(url: URL, token: string, kind: ClientKind = "modern") {
  const client = await connectClient({ url, token }, kind);
  clients.push(client);
  return client;
}

const CI = "ci-token-0123456789abcdef";
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const scrape = (url: URL, token?: string) =>
  fetch(new URL("/metrics", url), { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe("a valid token that grants nothing", () => {
  it("is served empty lists, told why in the server's instructions, and the operator is warned once", async () => {
    const { url, warnings } = await serve(await oauth());
    const stranger = await tokenOf("stranger-app");
    const why =
      "This server offers you nothing: the token's scopes (files:read) grant no role here, so it is offered no tools, prompts or resources; a token with scope mcp:read or mcp:write or mcp:analyst would be.";
    for (const kind of ["modern", "v1@2025-11-25", "v2@2025-11-25"] as const) {
      const client = await connect(url, stranger, kind);
      expect((await client.listTools()).tools).toEqual([]);
      expect(client.getInstructions()).toBe(why);
    }
    const told = () => warnings.filter((line) => line.includes("is authenticated, but"));
    expect(told()).toEqual([
      "caller stranger-app is authenticated, but the token's scopes (files:read) grant no role here, so it is offered no tools, prompts or resources; a token with scope mcp:read or mcp:write or mcp:analyst would be (scopes and roles: --auth-policy)",
    ]);

    // A token that grants something hears nothing of it; neither does a caller with no token.
    const reader = await connect(url, await tokenOf("reader-app"));
    expect((await reader.listTools()).tools.map((t) => t.name)).toEqual(["read_notes"]);
    expect(reader.getInstructions()).toBeUndefined();
    const anonymous = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toMatch(/analyst|offers you nothing/);
    expect(told()).toHaveLength(1);
  });
});

describe("a call outside the caller's roles", () => {
  it("is logged for the operator with what was refused and why, as a 401 is", async () => {
    const { url, notes } = await serve(await oauth());
    const refused = await bearerPost(url, await tokenOf("reader-app"), {
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "add_note", arguments: { text: "x" } },
    });
    expect(refused.status).toBe(403);
    expect(notes.filter((line) => line.startsWith("refused"))).toEqual([
      "refused a request of reader-app from 127.0.0.1: HTTP 403: tool add_note is not in the caller's roles (reader); a token with scope mcp:write may use it",
    ]);
  });
});

describe("GET /metrics on the MCP port", () => {
  it("needs the metrics or writer role: an OAuth token without either gets 403 naming mcp:metrics", async () => {
    const { url } = await serve(await oauth());
    expect((await scrape(url)).status).toBe(401);
    for (const client of ["reader-app", "stranger-app"]) {
      const refused = await scrape(url, await tokenOf(client));
      expect(refused.status).toBe(403);
      const challenge = refused.headers.get("www-authenticate") ?? "";
      expect(challenge).toContain('error="insufficient_scope"');
      expect(challenge).toContain('scope="mcp:metrics"');
      expect(await refused.text()).toMatch(/GET \/metrics needs the metrics or writer role/);
    }
    for (const client of ["scraper-app", "writer-app"]) {
      const allowed = await scrape(url, await tokenOf(client));
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain("mcp_toolkit_refusals_total");
    }
    // The scraper's token may call nothing, and the metrics scope is not one MCP clients are told to ask for.
    const scraper = await connect(url, await tokenOf("scraper-app"));
    expect((await scraper.listTools()).tools).toEqual([]);
    const metadata = await fetch(new URL("/.well-known/oauth-protected-resource/mcp", url));
    expect(((await metadata.json()) as { scopes_supported: string[] }).scopes_supported).toEqual([
      "mcp:read",
      "mcp:write",
      "mcp:analyst",
    ]);
  });

  it("takes a named token with the metrics role, and refuses a reader's", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "mcp-access-"));
    const file = path.join(dir, "tokens.json");
    const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
    const tokens = [
      { name: "prometheus", sha256: sha256("prometheus-token-0123456789"), roles: ["metrics"] },
      { name: "ci", sha256: sha256("ci-token-0123456789abcdef"), roles: ["reader"] },
    ];
    writeFileSync(file, JSON.stringify({ tokens }));
    const { url } = await serve(await tokensFileAuthenticator(file, POLICY));
    expect((await scrape(url, "prometheus-token-0123456789")).status).toBe(200);
    const refused = await scrape(url, "ci-token-0123456789abcdef");
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      error: {
        message:
          "Forbidden: GET /metrics needs the metrics or writer role, not the caller's (reader); a token with role metrics (in the tokens file) may read it; ask the server's operator for a token with such a role",
      },
    });
  });
});

describe("a resources/read outside the caller's roles", () => {
  it("is refused with 403 naming the resource and the roles that may read it, not answered 'not found'", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "mcp-access-"));
    const file = path.join(dir, "tokens.json");
    const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
    const tokens = [
      { name: "clerk", sha256: sha256("clerk-token-0123456789abcdef"), roles: ["clerk"] },
      { name: "ci", sha256: sha256("ci-token-0123456789abcdef"), roles: ["reader"] },
    ];
    writeFileSync(file, JSON.stringify({ tokens }));
    const policy = parsePolicy(JSON.stringify({ roles: { clerk: ["add_book", "catalogue"] }, scopes: {} }));
    const auth = await tokensFileAuthenticator(file, policy);
    const { factory } = libraryFactory(3);
    const endpoint = await serveHttp(factory, { host: "127.0.0.1", port: 0, auth, policy, logger: silent });
    endpoints.push(endpoint);
    const read = (token: string, uri: string) =>
      fetch(endpoint.url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-protocol-version": "2025-11-25",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 5, method: "resources/read", params: { uri } }),
      });
    // The clerk's own resource is read; the template's books, fixed or written otherwise, are refused by name.
    const clerk = await connect(endpoint.url, "clerk-token-0123456789abcdef");
    expect((await clerk.readResource({ uri: "library://catalogue" })).contents[0]).toMatchObject({ text: /book-000/ });
    for (const uri of ["library://book/book-001", "LIBRARY://book/book-001"]) {
      const refused = await read("clerk-token-0123456789abcdef", uri);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({
        id: 5,
        error: {
          message:
            "Forbidden: resource book is not in the caller's roles (clerk); a token with role reader or writer (in the tokens file) may use it; ask the server's operator for a token with such a role",
        },
      });
    }
    // A URI no resource answers to is left to the server, which says it is not found; a reader reads every book.
    expect((await read("clerk-token-0123456789abcdef", "library://nowhere")).status).toBe(200);
    const reader = await connect(endpoint.url, "ci-token-0123456789abcdef");
    expect((await reader.readResource({ uri: "library://book/book-001" })).contents[0]).toMatchObject({
      text: "text of book 1",
    });
  });
});

describe("the audit line of an error answered after the gate", () => {
  it("carries the message the client was told, and a session cap's 429 is rate_limited", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "mcp-access-"));
    const file = path.join(dir, "tokens.json");
    const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
    writeFileSync(file, JSON.stringify({ tokens: [{ name: "ci", sha256: sha256(CI), roles: ["reader"] }] }));
    const audit = openAuditLog(path.join(dir, "audit.log"));
    const endpoint = await serveHttp(notesFactory(), {
      host: "127.0.0.1",
      port: 0,
      auth: await tokensFileAuthenticator(file, POLICY),
      stateful: true,
      sessions: { maxSessionsPerCaller: 1, idleMs: 3_600_000 },
      audit,
      logger: silent,
    });
    endpoints.push(endpoint);
    // The SDK's own refusal: an Accept without text/event-stream.
    const notAcceptable = await fetch(endpoint.url, {
      method: "POST",
      headers: { authorization: `Bearer ${CI}`, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: "n1",
        method: "initialize",
        params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "curl", version: "1" } },
      }),
    });
    expect(notAcceptable.status).toBe(406);
    await notAcceptable.text();
    await connect(endpoint.url, CI, "v1@2025-11-25");
    await expect(connect(endpoint.url, CI, "v1@2025-11-25")).rejects.toThrow(/Too many sessions/);
    await audit.close();
    const lines = readFileSync(path.join(dir, "audit.log"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as AuditEntry);
    const initializes = lines.filter((l) => l.method === "initialize" && !l.request_id.endsWith("/n1"));
    expect(initializes.map((l) => [l.outcome, l.reason])).toEqual([
      ["ok", null],
      [
        "rate_limited",
        "HTTP 429: Too many sessions: this caller has 1 open, the most one caller may (maxSessionsPerCaller); end one it no longer uses (DELETE), or wait: one idle 60 s makes room, and idle ones close after 3600 s",
      ],
    ]);
    expect(lines.find((l) => l.request_id.endsWith("/n1"))).toMatchObject({
      outcome: "error",
      reason: expect.stringMatching(/^HTTP 406: Not Acceptable: .*text\/event-stream/),
    });
  });
});
