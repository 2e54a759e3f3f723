// A --stateful session's call that its client cancels: the POST's event stream ends, rather than stay open for an
// answer that never comes (a socket held on both ends, and a session that never went idle), and a resume of it is
// refused.
import { afterEach, describe, expect, it } from "vitest";
import { type HttpEndpoint, serveHttp } from "../src/http-server.js";
import { memoryAudit } from "./audit-trail.js";
import { echoFactory } from "./fixtures.js";

const TOKEN = "test-token-0123456789";
const endpoints: HttpEndpoint[] = [];
afterEach(async () => {
  for (const endpoint of endpoints.splice(0)) await endpoint.close();
});

async function start(audit?: ReturnType<typeof memoryAudit>["audit"]): Promise<HttpEndpoint> {
  const options = { host: "127.0.0.1", port: 0, token: TOKEN, stateful: true, ...(audit ? { audit } : {}) };
  const endpoint = await serveHttp(echoFactory(), options);
  endpoints.push(endpoint);
  return endpoint;
}

const headers = (session?: string) => ({
  authorization: `Bearer ${TOKEN}`,
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  "mcp-protocol-version": "2025-11-25",
  ...(session ? { "mcp-session-id": session } : {}),
});

/** Open a 2025-11-25 session by hand; its id. */
async function openSession(url: URL): Promise<string> {
  const params = { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } };
  const opened = await fetch(url, {
    method: "POST",
    headers: headers(),
    body: JSON.stringify({ jsonrpc: "2.0", id: 0, method: "initialize", params }),
  });
  const session = opened.headers.get("mcp-session-id") ?? "";
  await opened.text();
  const post = (body: unknown) => fetch(url, { method: "POST", headers: headers(session), body: JSON.stringify(body) });
  await (await post({ jsonrpc: "2.0", method: "notifications/initialized" })).text();
  return session;
}

describe("a call cancelled in a --stateful session", () => {
  it("has its stream ended, and a resume of it refused as gone", async () => {
    const { url } = await start();
    const session = await openSession(url);
    const call = { name: "slow_echo", arguments: { text: "late", ms: 5000 } };
    const answer = await fetch(url, {
      method: "POST",
      headers: headers(session),
      body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: call }),
    });
    const reader = (answer.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    const eventId = /^id: ?(\S+)$/m.exec(first)?.[1];
    expect(eventId).toBeDefined();
    const cancel = { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 7, reason: "user" } };
    const cancelled = await fetch(url, { method: "POST", headers: headers(session), body: JSON.stringify(cancel) });
    expect(cancelled.status).toBe(202);
    // Without the fix this read never ends: the stream waits for an answer the cancelled call never sends.
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += new TextDecoder().decode(chunk.value);
    }
    expect(rest).not.toContain('"result"');
    const resumed = await fetch(url, {
      headers: { ...headers(session), "last-event-id": eventId as string },
    });
    expect(resumed.status).toBe(410);
    expect(await resumed.text()).toContain("carried a call its client cancelled");
    // The session goes on.
    const again = await fetch(url, {
      method: "POST",
      headers: headers(session),
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 8,
        method: "tools/call",
        params: { name: "echo", arguments: { text: "on" } },
      }),
    });
    expect(await again.text()).toContain('"on"');
  }, 4000);
});

describe("a call whose cancel reaches a --stateful session first", () => {
  it("is not run: its stream ends with no answer, and the audit trail says so", async () => {
    const { audit, entries } = memoryAudit();
    const { url } = await start(audit);
    const session = await openSession(url);
    // The cancel is a POST of its own, which may overtake the call's on another connection.
    const cancel = { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 9, reason: "user" } };
    const cancelled = await fetch(url, { method: "POST", headers: headers(session), body: JSON.stringify(cancel) });
    expect(cancelled.status).toBe(202);
    const call = { name: "slow_echo", arguments: { text: "late", ms: 5000 } };
    const answer = await fetch(url, {
      method: "POST",
      headers: headers(session),
      body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/call", params: call }),
    });
    // Without the fix the call runs its 5 s and is answered.
    const text = await answer.text();
    expect(text).not.toContain('"result"');
    expect(text).not.toContain("late");
    const line = entries.find((entry) => entry.tool === "slow_echo");
    expect(line).toMatchObject({
      outcome: "cancelled",
      reason: "slow_echo was not run: cancelled by the client before it started",
    });
  }, 4000);
});
