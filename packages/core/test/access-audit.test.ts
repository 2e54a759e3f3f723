// The audit lines of requests the gate let through that no server audited: an error answered after the gate, by the
// SDK or by the session cap. Named tokens, real SDK clients.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type AuditEntry, openAuditLog } from "../src/audit-log.js";
import { sharedTokenAuthenticator, tokensFileAuthenticator } from "../src/auth.js";
import type { HttpServeOptions } from "../src/http-serve-options.js";
import { serveHttp } from "../src/http-server.js";
import { notesFactory } from "./fixtures.js";
import { CI, gateFixture, POLICY, silent } from "./gate-endpoint.js";

const { connect, tempDir, closing } = gateFixture({ identityProvider: false });

/** A stateful server of the notes tools, its one token "ci" a reader, audited to dir/audit.log; `options` added. */
async function auditedServer(options: Partial<HttpServeOptions>) {
  const dir = tempDir();
  const file = path.join(dir, "tokens.json");
  const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
  writeFileSync(file, JSON.stringify({ tokens: [{ name: "ci", sha256: sha256(CI), roles: ["reader"] }] }));
  const audit = openAuditLog(path.join(dir, "audit.log"));
  const endpoint = await serveHttp(notesFactory(), {
    host: "127.0.0.1",
    port: 0,
    auth: await tokensFileAuthenticator(file, POLICY),
    stateful: true,
    audit,
    logger: silent,
    ...options,
  });
  closing(endpoint);
  return { dir, audit, endpoint };
}

/** A 2025-era session opened by a raw initialize with the token "ci": the headers used, and the session's id. */
async function openSession(url: URL) {
  const headers = { authorization: `Bearer ${CI}`, accept: "application/json, text/event-stream" };
  const opened = await fetch(url, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "curl", version: "1" } },
    }),
  });
  const session = opened.headers.get("mcp-session-id") ?? "";
  await opened.text();
  return { headers, session };
}

describe("the audit line of an error answered after the gate", () => {
  it("carries the message the client was told, and a session cap's 429 is rate_limited", async () => {
    const { dir, audit, endpoint } = await auditedServer({ sessions: { maxSessionsPerCaller: 1, idleMs: 3_600_000 } });
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
        "HTTP 429: Too many sessions: this caller has 1 open, the most one caller may (maxSessionsPerCaller: 1); end one it no longer uses (DELETE), or wait: one idle 60 s makes room, and idle ones close after 3600 s",
      ],
    ]);
    expect(lines.find((l) => l.request_id.endsWith("/n1"))).toMatchObject({
      outcome: "error",
      reason: expect.stringMatching(/^HTTP 406: Not Acceptable: .*text\/event-stream/),
    });
  });
});

describe("the audit line of a request the gate answered", () => {
  it("keeps the first 128 characters of the caller's id, method and tool name", async () => {
    const { dir, audit, endpoint } = await auditedServer({});
    // Refused after the gate (a tools/call outside a session of this stateful server): the gate writes its line.
    const refused = await fetch(endpoint.url, {
      method: "POST",
      headers: { authorization: `Bearer ${CI}`, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: "i".repeat(100_000),
        method: "tools/call",
        params: { name: "t".repeat(100_000), arguments: {} },
      }),
    });
    expect(refused.status).toBe(400);
    await refused.text();
    await audit.close();
    const [line] = readFileSync(path.join(dir, "audit.log"), "utf8").trim().split("\n");
    expect(line?.length).toBeLessThan(1000);
    expect(JSON.parse(line ?? "")).toMatchObject({
      request_id: expect.stringMatching(new RegExp(`/${"i".repeat(127)}…$`)),
      tool: `${"t".repeat(127)}…`,
    });
  });
});

describe("the audit line of a GET stream refused at the caller's cap", () => {
  it("is written, rate_limited, though a GET carries no JSON-RPC request", async () => {
    const { dir, audit, endpoint } = await auditedServer({ limits: { maxStreams: 1 } });
    const { headers, session } = await openSession(endpoint.url);
    const stream = {
      ...headers,
      accept: "text/event-stream",
      "mcp-session-id": session,
      "mcp-protocol-version": "2025-11-25",
    };
    const first = new AbortController();
    const held = await fetch(endpoint.url, { headers: stream, signal: first.signal });
    expect(held.status).toBe(200);
    const refused = await fetch(endpoint.url, { headers: stream });
    expect(refused.status).toBe(429);
    await refused.text();
    first.abort();
    await audit.close();
    const lines = readFileSync(path.join(dir, "audit.log"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as AuditEntry);
    expect(lines.filter((l) => l.outcome === "rate_limited")).toEqual([
      expect.objectContaining({
        method: "GET (body not read)",
        reason: expect.stringMatching(/^1 listen stream of this caller is open/),
      }),
    ]);
  });
});

describe("the audit lines of a session's own requests", () => {
  it("are written when its GET stream closes and when a DELETE ends it, with the caller and how long", async () => {
    const { dir, audit, endpoint } = await auditedServer({});
    const { headers, session } = await openSession(endpoint.url);
    const own = { ...headers, "mcp-session-id": session, "mcp-protocol-version": "2025-11-25" };
    const listening = new AbortController();
    const stream = await fetch(endpoint.url, {
      headers: { ...own, accept: "text/event-stream" },
      signal: listening.signal,
    });
    expect(stream.status).toBe(200);
    const ended = await fetch(endpoint.url, { method: "DELETE", headers: own });
    expect(ended.status).toBe(200);
    await ended.text();
    listening.abort();
    // The stream's line is written as the server sees it close.
    const file = path.join(dir, "audit.log");
    for (let waited = 0; waited < 5000 && !readFileSync(file, "utf8").includes("(session stream)"); waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await audit.close();
    const lines = readFileSync(path.join(dir, "audit.log"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as AuditEntry);
    const sessionLines = lines.filter((l) => l.method.includes("(session"));
    expect(sessionLines.map((l) => [l.method, l.outcome, l.caller?.token_name])).toEqual(
      expect.arrayContaining([
        ["DELETE (session ended)", "ok", "ci"],
        ["GET (session stream)", "ok", "ci"],
      ]),
    );
  });
});

describe("the shared token", () => {
  it("is named the same in the log and the audit trail", async () => {
    const dir = tempDir();
    const audit = openAuditLog(path.join(dir, "audit.log"));
    const notes: string[] = [];
    const endpoint = await serveHttp(notesFactory(), {
      host: "127.0.0.1",
      port: 0,
      // As the bins serve it: the shared token of MCP_AUTH_TOKEN.
      auth: sharedTokenAuthenticator(CI),
      limits: { rate: { perSecond: 0.001, burst: 1 } },
      audit,
      logger: { ...silent, info: (line) => void notes.push(line) },
    });
    closing(endpoint);
    const list = { jsonrpc: "2.0", id: 1, method: "tools/list" };
    const headers = {
      authorization: `Bearer ${CI}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2025-11-25",
    };
    for (const status of [200, 429]) {
      const answer = await fetch(endpoint.url, { method: "POST", headers, body: JSON.stringify(list) });
      await answer.text();
      expect(answer.status).toBe(status);
    }
    await audit.close();
    const names = readFileSync(path.join(dir, "audit.log"), "utf8")
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as AuditEntry).caller?.token_name);
    expect(names).toEqual(["MCP_AUTH_TOKEN", "MCP_AUTH_TOKEN"]);
    expect(notes.filter((line) => line.startsWith("refused"))).toEqual([
      expect.stringMatching(/^refused a request of MCP_AUTH_TOKEN from 127\.0\.0\.1: HTTP 429: /),
    ]);
  });
});
