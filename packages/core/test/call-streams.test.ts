// A --stateful session's call that its client cancels: the POST's event stream ends, rather than stay open for an
// answer that never comes (a socket held on both ends, and a session that never went idle), and a resume of it is
// refused.
import { afterEach, describe, expect, it, vi } from "vitest";
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

const headers = (session?: string, version = "2025-11-25") => ({
  authorization: `Bearer ${TOKEN}`,
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  "mcp-protocol-version": version,
  ...(session ? { "mcp-session-id": session } : {}),
});

/** Open a session (2025-11-25, or `version`) by hand; its id. */
async function openSession(url: URL, version = "2025-11-25"): Promise<string> {
  const params = { protocolVersion: version, capabilities: {}, clientInfo: { name: "raw", version: "1" } };
  const opened = await fetch(url, {
    method: "POST",
    headers: headers(undefined, version),
    body: JSON.stringify({ jsonrpc: "2.0", id: 0, method: "initialize", params }),
  });
  const session = opened.headers.get("mcp-session-id") ?? "";
  await opened.text();
  const post = (body: unknown) =>
    fetch(url, { method: "POST", headers: headers(session, version), body: JSON.stringify(body) });
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

describe("a 2025-03-26 batch with a call cancelled in a --stateful session", () => {
  const V = "2025-03-26";
  /** POST `body` to the session at 2025-03-26. */
  const post = (url: URL, session: string, body: unknown) =>
    fetch(url, { method: "POST", headers: headers(session, V), body: JSON.stringify(body) });
  const call = (id: number, name: string, args: Record<string, unknown>, progressToken?: string) => ({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name, arguments: args, ...(progressToken ? { _meta: { progressToken } } : {}) },
  });
  const cancel = (requestId: number) => ({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId } });

  /** Read `stream` to its end, after what was read of it already (`seen`). */
  async function rest(reader: ReadableStreamDefaultReader<Uint8Array>, seen = ""): Promise<string> {
    let text = seen;
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      text += new TextDecoder().decode(chunk.value);
    }
    return text;
  }

  /** The JSON-RPC answers (results and errors) an event stream's text carries, by id. */
  const answers = (text: string) =>
    [...text.matchAll(/^data: (.+)$/gm)]
      .map((match) => JSON.parse(match[1] as string) as { id?: number; result?: { content: { text: string }[] } })
      .filter((message) => message.id !== undefined);

  it("still delivers the other call's answer, sent after the cancel, then ends; the audit trail is honest", async () => {
    const { audit, entries } = memoryAudit();
    const { url } = await start(audit);
    const session = await openSession(url, V);
    const answer = await post(url, session, [
      call(11, "slow_echo", { text: "never", ms: 5000 }),
      call(12, "slow_echo", { text: "kept", ms: 1000 }, "kept"),
    ]);
    expect(answer.headers.get("content-type")).toContain("text/event-stream");
    // Once the other call reports progress, both are running.
    const reader = (answer.body as ReadableStream<Uint8Array>).getReader();
    let seen = "";
    while (!seen.includes('"progressToken":"kept"')) seen += new TextDecoder().decode((await reader.read()).value);
    const eventId = /^id: ?(\S+)$/m.exec(seen)?.[1];
    expect((await post(url, session, cancel(11))).status).toBe(202);
    // Without the fix this read never ends: the SDK ends a batch's stream only once every call in it is answered.
    const text = await rest(reader, seen);
    expect(answers(text)).toEqual([expect.objectContaining({ id: 12, result: expect.anything() })]);
    expect(answers(text)[0]?.result?.content[0]?.text).toBe("kept");
    // Nothing more will come on it: a resume is refused, not left open for the cancelled call.
    const resumed = await fetch(url, { headers: { ...headers(session, V), "last-event-id": eventId as string } });
    expect(resumed.status).toBe(410);
    await resumed.text();
    await vi.waitFor(() => expect(entries.filter((entry) => entry.tool === "slow_echo")).toHaveLength(2));
    const outcome = (id: number) => entries.find((entry) => entry.request_id?.endsWith(`/${id}`))?.outcome;
    expect([outcome(11), outcome(12)]).toEqual(["cancelled", "ok"]);
    // The session goes on.
    expect(await (await post(url, session, call(13, "echo", { text: "on" }))).text()).toContain('"on"');
  }, 4000);

  it("ends once the last call still running in it is cancelled, the answered ones delivered", async () => {
    const { url } = await start();
    const session = await openSession(url, V);
    const answer = await post(url, session, [
      call(21, "echo", { text: "first" }),
      call(22, "slow_echo", { text: "never", ms: 5000 }, "a"),
      call(23, "slow_echo", { text: "never", ms: 5000 }, "b"),
    ]);
    const reader = (answer.body as ReadableStream<Uint8Array>).getReader();
    let seen = "";
    while (!seen.includes('"progressToken":"a"') || !seen.includes('"progressToken":"b"')) {
      seen += new TextDecoder().decode((await reader.read()).value);
    }
    expect((await post(url, session, cancel(22))).status).toBe(202);
    expect((await post(url, session, cancel(23))).status).toBe(202);
    const text = await rest(reader, seen);
    expect(answers(text).map((message) => message.id)).toEqual([21]);
  }, 4000);

  it("does not run a call whose cancel comes before it in the batch, and ends with the others' answers", async () => {
    const { audit, entries } = memoryAudit();
    const { url } = await start(audit);
    const session = await openSession(url, V);
    const answer = await post(url, session, [
      cancel(31),
      call(31, "slow_echo", { text: "late", ms: 5000 }),
      call(32, "echo", { text: "kept" }),
    ]);
    // Without the fix this never ends: the call is not run, and nothing answers it.
    const text = await answer.text();
    expect(answers(text).map((message) => message.id)).toEqual([32]);
    expect(entries.find((entry) => entry.tool === "slow_echo")).toMatchObject({
      outcome: "cancelled",
      reason: "slow_echo was not run: cancelled by the client before it started",
    });
  }, 4000);
});
