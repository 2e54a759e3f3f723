// The audit line of a request other than a tool call whose HTTP connection closes before its answer: its client went
// away (a 2026-07-28 client's abort, a dropped POST, a session ended), or the server stopping cut it. The SDK drops
// what such a request's handler answers later, so the line is written as the connection closes.
import { afterEach, describe, expect, it, vi } from "vitest";
import { CLOSED_BY_CLIENT, CLOSED_BY_SHUTDOWN } from "../src/audit-connection.js";
import type { AuditEntry } from "../src/audit-log.js";
import { type HttpEndpoint, serveHttp } from "../src/http-server.js";
import { definePrompt } from "../src/prompt.js";
import { type ServerFactory, serverFactory } from "../src/server-factory.js";
import { toolSet } from "../src/tool.js";
import { memoryAudit } from "./audit-trail.js";

const TOKEN = "test-token-0123456789";
const MODERN = "2026-07-28";
const endpoints: HttpEndpoint[] = [];
afterEach(async () => {
  for (const endpoint of endpoints.splice(0)) await endpoint.close();
});

/** A server whose prompt, its argument's completer and resource answer only once released (or stop when aborted). */
function slowFactory(started: (() => void)[]): ServerFactory {
  const slow = <T>(signal: AbortSignal | undefined, value: T) =>
    new Promise<T>((resolve) => {
      started.push(() => resolve(value));
      signal?.addEventListener("abort", () => resolve(value));
    });
  const prompt = definePrompt({
    name: "slow",
    title: "Slow",
    description: "Answers when released.",
    arguments: { topic: { description: "Any text.", optional: true, complete: () => slow(undefined, ["a"]) } },
    handler: (_args, { signal }) => slow(signal, { messages: [] }),
  });
  const template = {
    name: "slow",
    title: "Slow",
    description: "Read when released.",
    uriTemplate: "slow://{name}",
    read: (uri: URL, _variables: unknown, { signal }: { signal: AbortSignal }) =>
      slow(signal, { contents: [{ uri: uri.href, text: "late" }] }),
  };
  return serverFactory({
    info: { name: "slow", version: "1.0.0" },
    tools: toolSet([]),
    prompts: [prompt],
    resources: { templates: [template] },
  });
}

async function start(stateful = false) {
  const started: (() => void)[] = [];
  const { audit, entries } = memoryAudit();
  const factory = slowFactory(started);
  const endpoint = await serveHttp(factory, { host: "127.0.0.1", port: 0, token: TOKEN, stateful, audit });
  endpoints.push(endpoint);
  return { url: endpoint.url, endpoint, factory, started, entries };
}

const headers = (version: string, extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${TOKEN}`,
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  "mcp-protocol-version": version,
  ...extra,
});

const META = {
  "io.modelcontextprotocol/protocolVersion": MODERN,
  "io.modelcontextprotocol/clientInfo": { name: "raw", version: "1" },
  "io.modelcontextprotocol/clientCapabilities": {},
};

/** The requests that wait: method, params, and the name a 2026-07-28 client puts in its Mcp-Name header. */
const SLOW_REQUESTS: [string, Record<string, unknown>, string | undefined][] = [
  ["prompts/get", { name: "slow" }, "slow"],
  ["resources/read", { uri: "slow://one" }, "slow://one"],
  [
    "completion/complete",
    { ref: { type: "ref/prompt", name: "slow" }, argument: { name: "topic", value: "" } },
    undefined,
  ],
];

/** POST one request, as `version` (in `session`, if given), that the caller aborts with the returned controller. */
function post(url: URL, version: string, method: string, params: Record<string, unknown>, extra = {}) {
  const modern = version === MODERN;
  const body = { jsonrpc: "2.0", id: 7, method, params: modern ? { ...params, _meta: META } : params };
  const dropping = new AbortController();
  const answered = fetch(url, {
    method: "POST",
    headers: headers(version, { ...(modern ? { "mcp-method": method } : {}), ...extra }),
    body: JSON.stringify(body),
    signal: dropping.signal,
  })
    .then((response) => response.text())
    .catch(() => undefined);
  return { drop: () => dropping.abort(), answered };
}

/** The lines of requests with JSON-RPC id 7, once one is written. */
async function linesOf7(entries: AuditEntry[]): Promise<AuditEntry[]> {
  const of7 = () => entries.filter((entry) => entry.request_id.endsWith("/7"));
  await vi.waitFor(() => expect(of7().length).toBeGreaterThan(0));
  return of7();
}

describe.each([MODERN, "2025-06-18"])("over stateless HTTP at %s", (version) => {
  it.each(SLOW_REQUESTS)("writes a %s whose client went away as cancelled, once", async (method, params, name) => {
    const { url, started, entries } = await start();
    const request = post(url, version, method, params, name && version === MODERN ? { "mcp-name": name } : {});
    await vi.waitFor(() => expect(started).toHaveLength(1));
    request.drop();
    expect(await request.answered).toBeUndefined();
    expect(await linesOf7(entries)).toEqual([
      expect.objectContaining({ method, outcome: "cancelled", reason: CLOSED_BY_CLIENT, bytes: 0 }),
    ]);
    // Its handler ends after all: nothing more is written for it.
    started[0]?.();
    const ping = await fetch(url, {
      method: "POST",
      headers: headers("2025-06-18"),
      body: JSON.stringify({ jsonrpc: "2.0", id: 8, method: "ping" }),
    });
    expect(ping.status).toBe(200);
    await ping.text();
    await vi.waitFor(() => expect(entries.map((entry) => entry.method)).toContain("ping"));
    expect(entries.filter((entry) => entry.request_id.endsWith("/7"))).toHaveLength(1);
  });
});

describe("over a --stateful session", () => {
  it("writes a request pending when its client ends the session as cancelled", async () => {
    const { url, started, entries } = await start(true);
    const init = { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } };
    const opened = await fetch(url, {
      method: "POST",
      headers: headers("2025-11-25"),
      body: JSON.stringify({ jsonrpc: "2.0", id: 0, method: "initialize", params: init }),
    });
    const session = { "mcp-session-id": opened.headers.get("mcp-session-id") ?? "" };
    await opened.text();
    const request = post(url, "2025-11-25", "prompts/get", { name: "slow" }, session);
    await vi.waitFor(() => expect(started).toHaveLength(1));
    request.drop();
    // A dropped POST alone is no end in a session: its answer is kept for a resume (Last-Event-ID). Its DELETE is.
    const ended = await fetch(url, { method: "DELETE", headers: headers("2025-11-25", session) });
    expect(ended.status).toBe(200);
    expect(await linesOf7(entries)).toEqual([
      expect.objectContaining({ method: "prompts/get", outcome: "cancelled", reason: CLOSED_BY_CLIENT, bytes: 0 }),
    ]);
  });
});

describe("when the server stops", () => {
  it("writes a request it cut unanswered as an error saying so, not as the client's cancel", async () => {
    const { url, endpoint, factory, started, entries } = await start();
    const request = post(url, MODERN, "prompts/get", { name: "slow" }, { "mcp-name": "slow" });
    await vi.waitFor(() => expect(started).toHaveLength(1));
    // What the shutdown does once its drain is over (process-lifecycle.ts): the calls are stopped, then cut.
    await factory.close();
    await endpoint.close();
    endpoints.splice(0);
    expect(await request.answered).toBeUndefined();
    expect(await linesOf7(entries)).toEqual([
      expect.objectContaining({ method: "prompts/get", outcome: "error", reason: CLOSED_BY_SHUTDOWN, bytes: 0 }),
    ]);
  });
});
