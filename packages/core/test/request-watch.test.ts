// The hook contract of a transport's watchers (request-watch.ts): the order each hook is told in, on one watcher and
// between two; a watcher that throws, which loses no request and no close; a close with requests still unanswered.
import { InMemoryTransport, type JSONRPCMessage, McpServer } from "@modelcontextprotocol/server";
import { afterEach, expect, it, vi } from "vitest";
import { onConnect, type RequestWatcher, watchRequests } from "../src/request-watch.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A watcher that writes what it is told, as `name: hook id`, to `log`. */
function logging(name: string, log: string[]): RequestWatcher {
  return {
    request: (message) => void log.push(`${name}: request ${message.id}`),
    cancelled: (id) => void log.push(`${name}: cancelled ${id}`),
    around(message, extra, deliver) {
      const id = (message as { id?: unknown }).id ?? (message as { method: string }).method;
      log.push(`${name}: around ${id}`);
      deliver(message, extra);
      log.push(`${name}: delivered ${id}`);
    },
    answered: (message) => void log.push(`${name}: answered ${message.id}`),
    sent: (message) => void log.push(`${name}: sent ${message.id}`),
    closed: () => void log.push(`${name}: closed`),
  };
}

/**
 * A server, its watchers installed by `install`, whose `slow` prompt answers only once released; connected to a raw
 * peer that keeps what it receives. What the SDK itself is told (a close, an error) is written to `log` too.
 */
async function connection(install: (server: McpServer, log: string[]) => void) {
  const log: string[] = [];
  const started: (() => void)[] = [];
  const server = new McpServer({ name: "watched", version: "1.0.0" });
  server.registerPrompt("slow", { description: "Answers when released." }, () => {
    log.push("sdk: prompt runs");
    return new Promise((resolve) => started.push(() => resolve({ messages: [] })));
  });
  install(server, log);
  const [peer, end] = InMemoryTransport.createLinkedPair();
  const received: JSONRPCMessage[] = [];
  peer.onmessage = (message) => void received.push(message);
  await server.connect(end);
  server.server.onclose = () => void log.push("sdk: closed");
  server.server.onerror = (error) => void log.push(`sdk: error ${error.message}`);
  await peer.start();
  closers.push(() => server.close());
  const send = (message: Record<string, unknown>) => peer.send({ jsonrpc: "2.0", ...message } as JSONRPCMessage);
  await send({
    id: 0,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
  });
  await send({ method: "notifications/initialized" });
  await vi.waitFor(() => expect(received).toHaveLength(1));
  log.splice(0);
  received.splice(0);
  return { log, send, started, received, close: () => peer.close() };
}

it("tells each watcher request, cancelled, around, answered, then sent; the one installed later first", async () => {
  const { log, send, received } = await connection((server, log) => {
    watchRequests(server, logging("first", log));
    watchRequests(server, logging("second", log));
  });
  await send({ id: 1, method: "ping" });
  await vi.waitFor(() => expect(received).toHaveLength(1));
  await send({ method: "notifications/cancelled", params: { requestId: 9 } });
  expect(log).toEqual([
    "second: request 1",
    "second: around 1",
    "first: request 1",
    "first: around 1",
    "first: delivered 1",
    "second: delivered 1",
    // The SDK answers after the message is handed on, and the answer passes the later watcher first.
    "second: answered 1",
    "first: answered 1",
    // Sent once the send it wraps is done: the earlier watcher's, inside, first.
    "first: sent 1",
    "second: sent 1",
    "second: cancelled 9",
    "second: around notifications/cancelled",
    "first: cancelled 9",
    "first: around notifications/cancelled",
    "first: delivered notifications/cancelled",
    "second: delivered notifications/cancelled",
  ]);
});

it("tells closed while requests are unanswered, each watcher before the SDK, which then ends them", async () => {
  const { log, send, started, received, close } = await connection((server, log) => {
    const unanswered = new Set<string | number>();
    watchRequests(server, {
      request: (message) => void unanswered.add(message.id),
      answered: (message) => void unanswered.delete(message.id as string | number),
      closed: () => void log.push(`watcher: closed with ${[...unanswered].join(",")} unanswered`),
    });
    watchRequests(server, logging("outer", log));
  });
  await send({ id: 1, method: "prompts/get", params: { name: "slow" } });
  await send({ id: 2, method: "prompts/get", params: { name: "slow" } });
  await vi.waitFor(() => expect(started).toHaveLength(2));
  log.splice(0);
  await close();
  expect(log).toEqual(["outer: closed", "watcher: closed with 1,2 unanswered", "sdk: closed"]);
  expect(received).toEqual([]);
});

it("reports a watcher that throws to the server's onerror, and still answers the request and ends on close", async () => {
  const { log, send, received, close } = await connection((server) => {
    watchRequests(server, {
      request() {
        throw new Error("request hook broke");
      },
      answered() {
        throw new Error("answered hook broke");
      },
      sent() {
        throw new Error("sent hook broke");
      },
      cancelled() {
        throw new Error("cancelled hook broke");
      },
      closed() {
        throw new Error("closed hook broke");
      },
    });
  });
  await send({ id: 1, method: "ping" });
  await vi.waitFor(() => expect(received).toEqual([{ jsonrpc: "2.0", id: 1, result: {} }]));
  await send({ method: "notifications/cancelled", params: { requestId: 9 } });
  await close();
  expect(log).toEqual([
    "sdk: error request hook broke",
    "sdk: error answered hook broke",
    "sdk: error sent hook broke",
    "sdk: error cancelled hook broke",
    "sdk: error closed hook broke",
    "sdk: closed",
  ]);
});

it("runs onConnect's hooks in the order given, each once per connection, the SDK's connect wrapped once", async () => {
  const server = new McpServer({ name: "hooked", version: "1.0.0" });
  const order: string[] = [];
  onConnect(server, () => void order.push("first"));
  const wrapped = server.server.connect;
  for (const name of ["second", "third"]) onConnect(server, () => void order.push(name));
  expect(server.server.connect).toBe(wrapped);
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  closers.push(async () => {
    await clientSide.close();
    await server.close();
  });
  expect(order).toEqual(["first", "second", "third"]);
});
