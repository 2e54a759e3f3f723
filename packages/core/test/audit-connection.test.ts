// The audit line of each request a connection carries: answered, or cancelled by its client before any answer.
import { InMemoryTransport, type JSONRPCMessage } from "@modelcontextprotocol/server";
import { afterEach, expect, it, vi } from "vitest";
import { CLOSED_BY_CLIENT } from "../src/audit-connection.js";
import { definePrompt } from "../src/prompt.js";
import { auditedFactory, serverFactory } from "../src/server-factory.js";
import { toolSet } from "../src/tool.js";
import { memoryAudit } from "./audit-trail.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A server whose `slow` prompt answers only once released, and `fast` at once, audited to `entries`. */
async function connection() {
  const started: (() => void)[] = [];
  const slow = definePrompt({
    name: "slow",
    title: "Slow",
    description: "Answers when released.",
    arguments: {},
    handler: () =>
      new Promise((resolve) => {
        started.push(() => resolve({ messages: [] }));
      }),
  });
  const { audit, entries } = memoryAudit();
  const factory = auditedFactory(
    serverFactory({ info: { name: "slow", version: "1.0.0" }, tools: toolSet([]), prompts: [slow] }),
    audit,
  );
  const server = factory();
  const [client, end] = InMemoryTransport.createLinkedPair();
  const received: JSONRPCMessage[] = [];
  client.onmessage = (message) => void received.push(message);
  await server.connect(end);
  await client.start();
  closers.push(() => server.close());
  const send = (message: Record<string, unknown>) => client.send({ jsonrpc: "2.0", ...message } as JSONRPCMessage);
  await send({
    id: 0,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
  });
  await send({ method: "notifications/initialized" });
  return { send, started, entries, received, close: () => client.close() };
}

it("writes a cancelled prompts/get as cancelled when its client cancels it, and nothing more when it ends", async () => {
  const { send, started, entries, received } = await connection();
  await send({ id: 1, method: "prompts/get", params: { name: "slow" } });
  await vi.waitFor(() => expect(started).toHaveLength(1));
  await send({ method: "notifications/cancelled", params: { requestId: 1, reason: "user stop" } });
  await vi.waitFor(() =>
    expect(entries.filter((entry) => entry.method === "prompts/get")).toEqual([
      expect.objectContaining({
        request_id: "stdio/1",
        outcome: "cancelled",
        reason: "cancelled by the client",
        bytes: 0,
      }),
    ]),
  );
  // The prompt ends after all: no answer goes out, and no second line is written.
  started[0]?.();
  await send({ id: 2, method: "ping" });
  await vi.waitFor(() => expect(received.some((message) => "id" in message && message.id === 2)).toBe(true));
  expect(received.some((message) => "id" in message && message.id === 1)).toBe(false);
  expect(entries.map((entry) => [entry.method, entry.outcome])).toEqual([
    ["initialize", "ok"],
    ["prompts/get", "cancelled"],
    ["ping", "ok"],
  ]);
});

it("writes a request pending when its connection closes (stdin closed) as cancelled, once", async () => {
  const { send, started, entries, close } = await connection();
  await send({ id: 1, method: "prompts/get", params: { name: "slow" } });
  await vi.waitFor(() => expect(started).toHaveLength(1));
  await close();
  started[0]?.();
  await vi.waitFor(() =>
    expect(entries.filter((entry) => entry.method === "prompts/get")).toEqual([
      expect.objectContaining({ request_id: "stdio/1", outcome: "cancelled", reason: CLOSED_BY_CLIENT, bytes: 0 }),
    ]),
  );
});

it("writes a request answered before its cancel came as answered, once", async () => {
  const { send, started, entries } = await connection();
  await send({ id: 1, method: "prompts/get", params: { name: "slow" } });
  await vi.waitFor(() => expect(started).toHaveLength(1));
  started[0]?.();
  await vi.waitFor(() => expect(entries.map((entry) => entry.method)).toContain("prompts/get"));
  await send({ method: "notifications/cancelled", params: { requestId: 1 } });
  await send({ id: 2, method: "ping" });
  await vi.waitFor(() => expect(entries.map((entry) => entry.method)).toContain("ping"));
  expect(entries.filter((entry) => entry.method === "prompts/get").map((entry) => entry.outcome)).toEqual(["ok"]);
});

it("keeps the first 128 characters of a caller's id, method or tool name, however long the caller sends them", async () => {
  const { send, entries } = await connection();
  const long = (c: string) => c.repeat(100_000);
  await send({ id: long("1"), method: "ping" });
  await send({ id: 2, method: long("m") });
  await send({ id: 3, method: "tools/call", params: { name: long("t"), arguments: {} } });
  await vi.waitFor(() => expect(entries).toHaveLength(4));
  const ping = entries.find((entry) => entry.method === "ping");
  const unknown = entries.find((entry) => entry.request_id === "stdio/2");
  const call = entries.find((entry) => entry.request_id === "stdio/3");
  expect(ping?.request_id).toBe(`stdio/${"1".repeat(127)}…`);
  expect(unknown?.method).toBe(`${"m".repeat(127)}…`);
  expect(call?.tool).toBe(`${"t".repeat(127)}…`);
  expect(Math.max(...entries.map((entry) => JSON.stringify(entry).length))).toBeLessThan(2000);
});
