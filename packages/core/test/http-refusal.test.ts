// Requests refused at the HTTP layer before the gate judges what they ask — a Host or Origin not allowed, an
// unsupported MCP-Protocol-Version, a body that is not JSON, too large or unparsable, a batch too long — and GET
// /metrics refused to an unknown caller or one without the role: each is a failed server span like the gate's other
// refusals, traced with the real OpenTelemetry SDK to a receiver on 127.0.0.1.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type AuditEntry, type AuditLog, openAuditLog } from "../src/audit-log.js";
import { tokensFileAuthenticator } from "../src/auth.js";
import { EMPTY_POLICY } from "../src/auth-roles.js";
import { MAX_HTTP_BODY_BYTES } from "../src/http-options.js";
import { type HttpEndpoint, serveHttp } from "../src/http-server.js";
import { createMetrics, type ServerMetrics } from "../src/metrics.js";
import { startTracing } from "../src/telemetry.js";
import { notesFactory } from "./fixtures.js";
import { callerTraceparent, otelEnv, type ReceivedSpan, startOtlpReceiver } from "./otlp-receiver.js";

const TOKENS = { ci: "ci-token-0123456789abcdef", ops: "ops-token-0123456789abcdef" };
const WRONG = "wrong-token-0123456789abcdef";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const SPAN_KIND_SERVER = 2;
const STATUS_ERROR = 2;

let endpoint: HttpEndpoint | undefined;
let metrics: ServerMetrics | undefined;
let dir: string | undefined;
afterEach(async () => {
  await endpoint?.close();
  metrics?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A server with named tokens — ci reads, ops writes — serving /metrics on its MCP port. */
async function serve(audit?: AuditLog): Promise<URL> {
  dir = mkdtempSync(path.join(tmpdir(), "mcp-http-refusal-"));
  const file = path.join(dir, "tokens.json");
  const tokens = [
    { name: "ci", sha256: sha256(TOKENS.ci), roles: ["reader"] },
    { name: "ops", sha256: sha256(TOKENS.ops), roles: ["writer"] },
  ];
  writeFileSync(file, JSON.stringify({ tokens }));
  const auth = await tokensFileAuthenticator(file, EMPTY_POLICY);
  const factory = notesFactory();
  metrics = createMetrics(factory.stats);
  endpoint = await serveHttp(factory, { host: "127.0.0.1", port: 0, auth, metrics, ...(audit ? { audit } : {}) });
  return endpoint.url;
}

/** One HTTP request with exactly these headers (Host included, which fetch does not let a caller set); its status. */
async function send(url: URL, method: string, headers: Record<string, string>, body = ""): Promise<number> {
  return (await exchange(url, method, headers, body)).status;
}

/** One HTTP request as `send` makes it; its status and the bytes of the answer's body the client received. */
function exchange(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body = "",
): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let bytes = 0;
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.byteLength;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const list = (id: number) => ({ jsonrpc: "2.0", id, method: "tools/list" });

interface RefusalCase {
  what: string;
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: string;
  status: number;
  cause: string;
  name: string;
  reason: RegExp;
}

const POST_HEADERS = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  authorization: `Bearer ${TOKENS.ops}`,
  "mcp-protocol-version": "2025-11-25",
};

const CASES: RefusalCase[] = [
  {
    what: "a Host not allowed (DNS rebinding)",
    method: "POST",
    path: "/mcp",
    headers: { ...POST_HEADERS, host: "evil.example:3000" },
    body: JSON.stringify(list(1)),
    status: 403,
    cause: "host_not_allowed",
    name: "POST /mcp",
    reason: /^Host "evil\.example:3000" is not allowed; .*allowedHosts$/,
  },
  {
    what: "an Origin not allowed",
    method: "POST",
    path: "/mcp",
    headers: { ...POST_HEADERS, origin: "http://evil.example" },
    body: JSON.stringify(list(2)),
    status: 403,
    cause: "origin_not_allowed",
    name: "POST /mcp",
    reason: /^Origin "http:\/\/evil\.example" is not allowed; .*allowedOrigins$/,
  },
  {
    what: "an unsupported MCP-Protocol-Version",
    method: "POST",
    path: "/mcp",
    headers: { ...POST_HEADERS, "mcp-protocol-version": "2024-01-01" },
    body: JSON.stringify(list(3)),
    status: 400,
    cause: "unsupported_protocol_version",
    name: "POST /mcp",
    reason: /^unsupported MCP-Protocol-Version "2024-01-01"; this server speaks 2026-07-28, /,
  },
  {
    what: "an MCP-Protocol-Version of 2,000 characters, quoted only in part and kept off the span's attributes",
    method: "POST",
    path: "/mcp",
    headers: { ...POST_HEADERS, "mcp-protocol-version": "v".repeat(2000) },
    body: JSON.stringify(list(10)),
    status: 400,
    cause: "unsupported_protocol_version",
    name: "POST /mcp",
    reason: /^unsupported MCP-Protocol-Version "v{40}…"; this server speaks 2026-07-28, /,
  },
  {
    what: "a body that is not JSON by its Content-Type, with an MCP-Method header that is no MCP method",
    method: "POST",
    path: "/mcp",
    headers: { ...POST_HEADERS, "content-type": "text/plain", "mcp-method": "madeup/name" },
    body: JSON.stringify(list(11)),
    status: 415,
    cause: "unsupported_media_type",
    name: "POST /mcp",
    reason: /^Content-Type must be application\/json$/,
  },
  {
    what: "a body that is not JSON by its Content-Type, its method named by the MCP-Method header",
    method: "POST",
    path: "/mcp",
    headers: { ...POST_HEADERS, "content-type": "text/plain", "mcp-method": "tools/list" },
    body: JSON.stringify(list(4)),
    status: 415,
    cause: "unsupported_media_type",
    name: "tools/list",
    reason: /^Content-Type must be application\/json$/,
  },
  {
    what: "a body that is not JSON by its Content-Type, with an MCP-Method header that names no method",
    method: "POST",
    path: "/mcp",
    headers: { ...POST_HEADERS, "content-type": "text/plain", "mcp-method": `tools/call ${"x".repeat(500)}` },
    body: JSON.stringify(list(6)),
    status: 415,
    cause: "unsupported_media_type",
    name: "POST /mcp",
    reason: /^Content-Type must be application\/json$/,
  },
  {
    what: "a body over the size cap",
    method: "POST",
    path: "/mcp",
    headers: POST_HEADERS,
    body: JSON.stringify({ ...list(5), pad: "x".repeat(MAX_HTTP_BODY_BYTES) }),
    status: 413,
    cause: "body_too_large",
    name: "POST /mcp",
    reason: /^Request body over 4 MiB, the most this server takes over HTTP; /,
  },
  {
    what: "a body that does not parse",
    method: "POST",
    path: "/mcp",
    headers: POST_HEADERS,
    body: "{not json",
    status: 400,
    cause: "parse_error",
    name: "POST /mcp",
    reason: /^body is not valid JSON$/,
  },
  {
    what: "a body nested too deep",
    method: "POST",
    path: "/mcp",
    headers: POST_HEADERS,
    body: JSON.stringify({ ...list(7), pad: JSON.parse(`${"[".repeat(300)}${"]".repeat(300)}`) }),
    status: 400,
    cause: "too_deep",
    name: "POST /mcp",
    reason: /^the body nests arrays and objects more than 256 levels deep; /,
  },
  {
    what: "a batch sent as 2026-07-28, which has none",
    method: "POST",
    path: "/mcp",
    headers: { ...POST_HEADERS, "mcp-protocol-version": "2026-07-28" },
    body: JSON.stringify([list(8), list(9)]),
    status: 400,
    cause: "batch_not_supported",
    name: "POST /mcp",
    reason: /^2026-07-28 has no JSON-RPC batches; /,
  },
  {
    what: "a batch too long: one span for the request, not one per message",
    method: "POST",
    path: "/mcp",
    headers: POST_HEADERS,
    body: JSON.stringify(Array.from({ length: 17 }, (_, i) => list(100 + i))),
    status: 400,
    cause: "batch_too_large",
    name: "POST /mcp",
    reason: /^a batch may carry at most 16 messages, this one has 17; /,
  },
  {
    what: "GET /metrics with a wrong token",
    method: "GET",
    path: "/metrics",
    headers: { authorization: `Bearer ${WRONG}` },
    status: 401,
    cause: "unauthorized",
    name: "GET /metrics",
    reason: /./,
  },
  {
    what: "GET /metrics by a caller without the metrics or writer role",
    method: "GET",
    path: "/metrics",
    headers: { authorization: `Bearer ${TOKENS.ci}` },
    status: 403,
    cause: "forbidden",
    name: "GET /metrics",
    reason: /^GET \/metrics needs the metrics or writer role, not the caller's \(reader\)/,
  },
];

describe("spans of requests refused at the HTTP layer", () => {
  it("are failed server spans with the cause, the reason, the status and the caller's trace — one per request", async () => {
    const receiver = await startOtlpReceiver();
    const traces = await startTracing(otelEnv(receiver), "mcp-test", "0.0.0");
    const url = await serve();
    const callers = CASES.map(() => callerTraceparent());
    for (const [i, refused] of CASES.entries()) {
      const headers = { ...refused.headers, traceparent: callers[i]?.traceparent ?? "" };
      const status = await send(new URL(refused.path, url), refused.method, headers, refused.body);
      expect(status, refused.what).toBe(refused.status);
    }
    // A scrape by a caller who may: served, and no span.
    expect(await send(new URL("/metrics", url), "GET", { authorization: `Bearer ${TOKENS.ops}` })).toBe(200);
    await traces.shutdown();

    const spans = await receiver.waitFor((all) => all.length >= CASES.length);
    expect(spans).toHaveLength(CASES.length);
    for (const [i, refused] of CASES.entries()) {
      const caller = callers[i];
      const span = spans.find((s) => s.traceId === caller?.traceId) as ReceivedSpan & { status: { message?: string } };
      expect(span, refused.what).toMatchObject({
        name: refused.name,
        kind: SPAN_KIND_SERVER,
        service: "mcp-test",
        parentSpanId: caller?.spanId,
        status: { code: STATUS_ERROR },
        attributes: {
          "error.type": refused.cause,
          "http.request.method": refused.method,
          "http.response.status_code": refused.status,
          "network.transport": "tcp",
        },
      });
      expect(span.status.message, refused.what).toMatch(refused.reason);
    }
    const named = spans.find((s) => s.name === "tools/list");
    expect(named?.attributes).toMatchObject({ "mcp.method.name": "tools/list", "mcp.protocol.version": "2025-11-25" });
    const versions = spans.filter((s) => s.attributes["error.type"] === "unsupported_protocol_version");
    expect(versions).toHaveLength(2);
    const carried = versions.map((s) => s.attributes["mcp.protocol.version"]).filter((v) => v !== undefined);
    expect(carried).toEqual(["2024-01-01"]);
    // A span name is never a caller's own text: "madeup/name" was one, and any other would have been.
    expect(spans.map((s) => s.name).filter((name) => name.includes("madeup"))).toEqual([]);
    for (const token of [...Object.values(TOKENS), WRONG]) {
      expect(receiver.bodies.some((body) => body.includes(token))).toBe(false);
    }
  });
});

describe("the audit trail of requests refused at the HTTP layer", () => {
  /** A server writing its audit trail to a new file; `lines()` closes the trail and reads what it holds. */
  async function auditedServe() {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "mcp-http-refusal-audit-")), "audit.log");
    const audit = openAuditLog(file);
    const url = await serve(audit);
    const lines = async () => {
      await audit.close();
      return readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as AuditEntry);
    };
    return { url, lines };
  }

  it("has a line for each request, with the status and reason the client was told, and who sent it", async () => {
    const { url, lines: written } = await auditedServe();
    const posts = CASES.filter((refused) => refused.path === "/mcp");
    const received = new Map<RefusalCase, number>();
    for (const refused of posts) {
      const { status, bytes } = await exchange(url, refused.method, refused.headers, refused.body);
      expect(status, refused.what).toBe(refused.status);
      received.set(refused, bytes);
    }
    const lines = await written();
    for (const refused of posts) {
      const status = `HTTP ${refused.status}: `;
      const line = lines.find(
        (l) => l.reason?.startsWith(status) && refused.reason.test(l.reason.slice(status.length)),
      );
      expect(line, refused.what).toMatchObject({
        outcome: "error",
        client_address: "127.0.0.1",
        // Host and Origin are checked before the token is read; every other refusal knows its caller.
        caller: refused.status === 403 ? null : { token_name: "ops" },
      });
      // What was counted is what was sent: the answer as the client received it.
      expect(line?.bytes, refused.what).toBe(received.get(refused));
      expect(line?.bytes, refused.what).toBeGreaterThan(0);
    }
    // A body that was read is written request by request, as the gate writes them; one that was not, once.
    expect(lines.filter((l) => l.reason?.startsWith("HTTP 400: a batch may carry"))).toHaveLength(17);
    expect(lines.filter((l) => l.reason?.startsWith("HTTP 400: 2026-07-28 has no"))).toHaveLength(2);
    expect(lines.find((l) => l.reason?.startsWith("HTTP 413"))?.method).toBe("POST (body not read)");
    expect(lines.filter((l) => l.reason?.startsWith("HTTP 415")).map((l) => l.method)).toEqual([
      "POST (body not read)",
      "tools/list",
      "POST (body not read)",
    ]);
    expect(lines).toHaveLength(posts.length - 2 + 17 + 2);
  });

  it.each(["POST", "HEAD"])(
    "counts the bytes the client received of a refused %s (a HEAD's answer has no body)",
    async (method) => {
      const { url, lines } = await auditedServe();
      const { status, bytes } = await exchange(url, method, { ...POST_HEADERS, host: "evil.example:3000" });
      expect(status).toBe(403);
      const [line, ...more] = await lines();
      expect(more).toEqual([]);
      expect(line).toMatchObject({ method: `${method} (body not read)`, outcome: "error", bytes });
    },
  );

  it.each(["GET", "HEAD", "DELETE"])(
    "has a line for a %s of a caller the gate let in, which the stateless endpoint answers 405",
    async (method) => {
      const { url, lines } = await auditedServe();
      const { status, bytes } = await exchange(url, method, POST_HEADERS);
      expect(status).toBe(405);
      const [line, ...more] = await lines();
      expect(more).toEqual([]);
      expect(line).toMatchObject({
        method: `${method} (body not read)`,
        caller: { token_name: "ops" },
        outcome: "error",
        reason: expect.stringMatching(/^HTTP 405/),
        bytes,
      });
    },
  );

  it.each(["POST", "HEAD"])(
    "counts the bytes the client received of a %s refused for its token at the gate",
    async (method) => {
      const { url, lines } = await auditedServe();
      const { status, bytes } = await exchange(url, method, { ...POST_HEADERS, authorization: `Bearer ${WRONG}` });
      expect(status).toBe(401);
      const [line, ...more] = await lines();
      expect(more).toEqual([]);
      expect(line).toMatchObject({ outcome: "unauthorized", bytes });
    },
  );
});
