// A cursor on a list the SDK sends in one page (tools, prompts, resource templates), through real clients of both
// generations: invalid params, as the spec asks of an invalid cursor, not the whole list as if it were the next page.
import { InMemoryTransport, type JSONRPCMessage } from "@modelcontextprotocol/server";
import { afterEach, describe, expect, it } from "vitest";
import { unpagedCursorMessage } from "../src/list-cursor.js";
import { auditedFactory } from "../src/server-factory.js";
import { memoryAudit } from "./audit-trail.js";
import { CLIENT_KINDS, type ClientKind, connectClient, type TestClient } from "./clients.js";
import { libraryFactory } from "./library.js";

const clients: TestClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => {});
});

const LISTS: [string, (client: TestClient, cursor?: string) => Promise<object>][] = [
  ["tools/list", (c, cursor) => c.listTools(cursor === undefined ? undefined : { cursor })],
  ["prompts/list", (c, cursor) => c.listPrompts(cursor === undefined ? undefined : { cursor })],
  ["resources/templates/list", (c, cursor) => c.listResourceTemplates(cursor === undefined ? undefined : { cursor })],
];

describe.each<ClientKind>(CLIENT_KINDS)("a %s client", (kind) => {
  it.each(LISTS)("sending %s a cursor gets invalid params; without one, the whole list", async (method, list) => {
    const client = await connectClient(libraryFactory(3).factory, kind);
    clients.push(client);
    const whole = await list(client);
    expect(whole).not.toHaveProperty("nextCursor");
    // A made-up cursor, and the empty one (a cursor all the same, which the spec says is not the end of a list).
    for (const cursor of ["eyJwYWdlIjogMn0=", ""]) {
      const answer = list(client, cursor);
      await expect(answer).rejects.toMatchObject({ code: -32602 });
      await expect(answer).rejects.toThrow(unpagedCursorMessage(method));
    }
  });
});

it("leaves resources/list's own pages alone, and refuses its cursor on tools/list", async () => {
  // The v1 client shows each page (a v2 client follows the cursors itself).
  const client = await connectClient(libraryFactory(150).factory, "v1@2025-11-25");
  clients.push(client);
  const first = await client.listResources({});
  expect(first.nextCursor).toEqual(expect.any(String));
  const second = await client.listResources({ cursor: first.nextCursor as string });
  expect(first.resources.length + second.resources.length).toBeGreaterThan(150);
  const tools = client.listTools({ cursor: first.nextCursor as string });
  await expect(tools).rejects.toMatchObject({ code: -32602 });
});

it("writes the refusal to the audit trail, not the list", async () => {
  const { audit, entries } = memoryAudit();
  const client = await connectClient(auditedFactory(libraryFactory(3).factory, audit), "v2@2025-11-25");
  clients.push(client);
  await expect(client.listTools({ cursor: "abc" })).rejects.toThrow(/Invalid cursor/);
  expect(entries.find((line) => line.method === "tools/list")).toMatchObject({
    outcome: "error",
    reason: `-32602 ${unpagedCursorMessage("tools/list")}`,
  });
});

it("forgets a cursor request that was cancelled, so a later request under its id gets its own answer", async () => {
  // A cancelled request is never answered: its id stayed pending, and the next answer under it, whatever the
  // request, was replaced by the refusal (found sending raw JSON-RPC to the filesystem bin over stdio).
  const server = libraryFactory(3).factory();
  const [client, end] = InMemoryTransport.createLinkedPair();
  const answers: JSONRPCMessage[] = [];
  client.onmessage = (message) => void answers.push(message);
  await server.connect(end);
  await client.start();
  try {
    const send = (message: object) => client.send({ jsonrpc: "2.0", ...message } as JSONRPCMessage);
    const clientInfo = { name: "raw", version: "1" };
    await send({
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo },
    });
    await send({ method: "notifications/initialized" });
    await send({ id: 2, method: "tools/list", params: { cursor: "abc" } });
    await send({ method: "notifications/cancelled", params: { requestId: 2 } });
    await send({ id: 2, method: "prompts/list", params: {} });
    await expect.poll(() => answers.filter((answer) => "id" in answer && answer.id === 2).length).toBeGreaterThan(0);
    const last = answers.filter((answer) => "id" in answer && answer.id === 2).at(-1);
    expect(last).toMatchObject({ result: { prompts: expect.any(Array) } });
  } finally {
    await server.close();
  }
});
