// A --stateful session's streams, cut on purpose under real clients of both generations (a TCP proxy severing every
// connection, as a proxy's read timeout or a dropped Wi-Fi does): what the server sent meanwhile arrives after the
// client reconnects with Last-Event-ID, in order and once each, and a call whose POST stream broke gets its answer.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as V1Transport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { McpServer } from "@modelcontextprotocol/server";
import { afterEach, describe, expect, it } from "vitest";
import { EVENTS_KEPT } from "../src/event-store.js";
import { type HttpEndpoint, serveHttp } from "../src/http-server.js";
import { ok } from "../src/results.js";
import { serverFactory } from "../src/server-factory.js";
import { defineTool, toolSet } from "../src/tool.js";
import { memoryAudit } from "./audit-trail.js";
import { withOffer } from "./clients.js";
import { type CutProxy, cutProxy } from "./cut-proxy.js";

const TOKEN = "test-token-0123456789";
const READS = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

/** A server whose sessions the test can notify, with a tool that answers when the test lets it. */
async function start() {
  const sessions: McpServer[] = [];
  let release = () => {};
  let started = () => {};
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const wait = defineTool({
    name: "wait",
    title: "Wait",
    description: "Answers once the test lets it.",
    inputSchema: {},
    annotations: READS,
    handler: async () => {
      started();
      await gate;
      return ok("answered after the cut");
    },
  });
  const factory = serverFactory({
    info: { name: "resume", version: "1.0.0" },
    tools: toolSet([wait]),
    setup: (server) => void sessions.push(server),
  });
  const { audit, entries } = memoryAudit();
  const endpoint: HttpEndpoint = await serveHttp(factory, {
    host: "127.0.0.1",
    port: 0,
    token: TOKEN,
    stateful: true,
    audit,
  });
  cleanups.push(() => endpoint.close());
  const proxy: CutProxy = await cutProxy(endpoint.url);
  cleanups.push(() => proxy.close());
  const notify = (uri: string) =>
    Promise.all(
      sessions.map((server) =>
        server.server.notification({ method: "notifications/resources/updated", params: { uri } }),
      ),
    );
  return { proxy, notify, release, running, sessions, entries };
}

/** A real client of `kind` through `url`, noting each resources/updated it hears and each transport error. */
async function connect(kind: "v1" | "v2", url: URL, version: string) {
  const heard: string[] = [];
  const errors: string[] = [];
  const requestInit = { headers: { authorization: `Bearer ${TOKEN}` } };
  const onUpdated = async (notification: { params: { uri: string } }) => void heard.push(notification.params.uri);
  if (kind === "v2") {
    const client = new Client({ name: "t", version: "1" }, { supportedProtocolVersions: [version] });
    client.setNotificationHandler("notifications/resources/updated", onUpdated as never);
    const transport = new StreamableHTTPClientTransport(url, { requestInit });
    await client.connect(transport);
    transport.onerror = (error) => void errors.push(error.message);
    cleanups.push(() => client.close());
    const call = (onresumptiontoken: () => void) =>
      client.callTool({ name: "wait", arguments: {} }, { timeout: 20_000, onresumptiontoken });
    return { heard, errors, call, version: () => client.getNegotiatedProtocolVersion() };
  }
  const { ResourceUpdatedNotificationSchema } = await import("@modelcontextprotocol/sdk/types.js");
  const client = new V1Client({ name: "t", version: "1" });
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, onUpdated as never);
  const transport = new V1Transport(url, { requestInit });
  let negotiated: string | undefined;
  // The v1 client offers its latest revision; an older host is played by rewriting the offer (clients.ts).
  const offering = withOffer(transport as never, version, (agreed) => {
    negotiated = agreed;
  });
  await client.connect(offering as never);
  transport.onerror = (error) => void errors.push(error.message);
  cleanups.push(() => client.close());
  const call = (onresumptiontoken: () => void) =>
    client.callTool({ name: "wait", arguments: {} }, undefined, { timeout: 20_000, onresumptiontoken });
  return { heard, errors, call, version: () => negotiated };
}

/** Wait, a bounded number of times, until `done()`. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!done()) throw new Error(`never happened: ${what}`);
}

/** Notify until the client hears one on its GET stream, so it holds an event id to resume from. */
async function listening(notify: (uri: string) => Promise<unknown>, heard: string[]): Promise<void> {
  for (let i = 0; i < 40 && heard.length === 0; i++) {
    await notify(`ready-${i}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await until(() => heard.length > 0, "the GET stream carried a notification");
}

const KINDS = [
  ["v1", "2025-11-25"],
  ["v1", "2025-06-18"],
  ["v2", "2025-11-25"],
  ["v2", "2025-06-18"],
] as const;

describe("a --stateful session's GET stream cut under a real client", () => {
  it.each(KINDS)("%s client at %s hears what was sent during the gap, in order, once each", async (kind, version) => {
    const { proxy, notify } = await start();
    const client = await connect(kind, proxy.url, version);
    expect(client.version()).toBe(version);
    await listening(notify, client.heard);
    const before = client.heard.length;
    expect(proxy.cut()).toBeGreaterThan(0);
    for (const uri of ["gap-1", "gap-2", "gap-3"]) await notify(uri);
    await until(() => client.heard.includes("gap-3"), "the gap replayed");
    await notify("after");
    await until(() => client.heard.includes("after"), "a notification after the reconnect");
    const since = client.heard.slice(before).filter((uri) => !uri.startsWith("ready-"));
    expect(since).toEqual(["gap-1", "gap-2", "gap-3", "after"]);
  });

  it.each(KINDS.filter(([, version]) => version === "2025-11-25"))(
    "%s client at %s resumes when the server still holds the dropped stream open (a half-open connection)",
    async (kind, version) => {
      const { proxy, notify } = await start();
      const client = await connect(kind, proxy.url, version);
      await listening(notify, client.heard);
      const before = client.heard.length;
      expect(proxy.cut(true)).toBeGreaterThan(0);
      for (const uri of ["gap-1", "gap-2"]) await notify(uri);
      await until(() => client.heard.includes("gap-2"), "the gap replayed");
      await notify("after");
      await until(() => client.heard.includes("after"), "a notification after the reconnect");
      expect(client.heard.slice(before)).toEqual(["gap-1", "gap-2", "after"]);
    },
  );

  it.each(KINDS.filter(([, version]) => version === "2025-11-25"))(
    "%s client at %s listens again when its half-open GET stream carried no event yet",
    async (kind, version) => {
      const { proxy, notify } = await start();
      const client = await connect(kind, proxy.url, version);
      await until(() => proxy.getStreams() === 1, "the GET stream opened");
      proxy.cut(true);
      // With no event id, the client reopens its stream afresh while the server still holds the old one.
      await until(() => proxy.getStreams() === 2, "the GET stream reopened");
      await notify("after");
      await until(() => client.heard.includes("after"), "a notification after the reconnect");
      expect(client.heard).toEqual(["after"]);
    },
  );

  it.each(
    KINDS.filter(([, version]) => version === "2025-11-25").flatMap(([kind, version]) => [
      [kind, version, "cleanly"] as const,
      [kind, version, "half-open"] as const,
    ]),
  )("%s client at %s gets the answer of a call whose POST stream broke (%s)", async (kind, version, how) => {
    const { proxy, release, running, entries } = await start();
    const client = await connect(kind, proxy.url, version);
    let primed = false;
    const answer = client.call(() => {
      primed = true;
    });
    await running;
    // The priming event's id is what the client resumes from.
    await until(() => primed, "the POST stream's priming event");
    expect(proxy.cut(how === "half-open")).toBeGreaterThan(0);
    release();
    expect(await answer).toMatchObject({ content: [{ type: "text", text: "answered after the cut" }] });
    // Audited once, as answered: the replay is no second call.
    expect(entries.filter((entry) => entry.tool === "wait").map((entry) => entry.outcome)).toEqual(["ok"]);
  });

  it.each(KINDS.filter(([, version]) => version === "2025-11-25"))(
    "%s client at %s is told clearly when the events it missed are no longer kept",
    async (kind, version) => {
      const { proxy, notify } = await start();
      const client = await connect(kind, proxy.url, version);
      await listening(notify, client.heard);
      proxy.cut();
      for (let i = 0; i <= EVENTS_KEPT; i++) await notify(`lost-${i}`);
      await until(() => client.errors.some((error) => /Gone/.test(error)), "the client was told 410 Gone");
      expect(client.heard.some((uri) => uri.startsWith("lost-"))).toBe(false);
    },
  );
});

describe("a Last-Event-ID a session cannot resume from", () => {
  const headers = (session?: string, lastEventId?: string) => ({
    authorization: `Bearer ${TOKEN}`,
    accept: "application/json, text/event-stream",
    "content-type": "application/json",
    ...(session ? { "mcp-session-id": session, "mcp-protocol-version": "2025-11-25" } : {}),
    ...(lastEventId ? { "last-event-id": lastEventId } : {}),
  });
  /** Open a session by hand: its id, and the id of the priming event its initialize answer began with. */
  async function open(url: URL): Promise<{ session: string; eventId: string }> {
    const response = await fetch(url, {
      method: "POST",
      headers: headers(),
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "curl", version: "1" } },
      }),
    });
    const text = await response.text();
    const eventId = /^id: (.+)$/m.exec(text)?.[1];
    const session = response.headers.get("mcp-session-id");
    if (!eventId || !session) throw new Error(`no session or event id in ${text}`);
    return { session, eventId };
  }

  it.each([
    ["another session's", (other: string) => other, /is not an event this session sent \(another session's/],
    ["a made-up", () => "1", /is not an event this session sent/],
  ])("is refused with 400 saying why when it is %s, and never replays its events", async (_, idOf, message) => {
    const { proxy } = await start();
    const a = await open(proxy.url);
    const b = await open(proxy.url);
    const response = await fetch(proxy.url, { headers: headers(b.session, idOf(a.eventId)) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: -32000, message: expect.stringMatching(message) } });
  });
});
