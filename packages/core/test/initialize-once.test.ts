// A second `initialize` on one connection, sent as raw JSON-RPC (an SDK client sends it only once, as it connects).

import { InitializeResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { InMemoryTransport, type JSONRPCMessage } from "@modelcontextprotocol/server";
import { afterEach, expect, it } from "vitest";
import { auditedFactory, type ServerFactory } from "../src/server-factory.js";
import { memoryAudit } from "./audit-trail.js";
import { type ClientKind, connectClient } from "./clients.js";
import { libraryFactory } from "./library.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A connection to a new server from `factory`, over which `ask` sends one request and returns its answer. */
async function connection(factory: ServerFactory = libraryFactory(3).factory) {
  const server = factory();
  const [client, end] = InMemoryTransport.createLinkedPair();
  const answers = new Map<unknown, (message: JSONRPCMessage) => void>();
  client.onmessage = (message) => {
    if ("id" in message) answers.get(message.id)?.(message);
  };
  await server.connect(end);
  await client.start();
  closers.push(() => server.close());
  let id = 0;
  return (method: string, params: Record<string, unknown>) => {
    const sent = ++id;
    const answer = new Promise<JSONRPCMessage>((resolve) => answers.set(sent, resolve));
    void client.send({ jsonrpc: "2.0", id: sent, method, params });
    return answer;
  };
}

const initialize = (protocolVersion: string, capabilities: object = {}) => ({
  protocolVersion,
  capabilities,
  clientInfo: { name: "raw", version: "1" },
});

it("refuses a second initialize, keeping the revision the first one negotiated", async () => {
  const ask = await connection();
  expect(await ask("initialize", initialize("2025-11-25"))).toMatchObject({
    result: { protocolVersion: "2025-11-25" },
  });
  const again = await ask("initialize", initialize("2025-03-26", { elicitation: {} }));
  expect(again).toMatchObject({
    error: {
      code: -32600,
      message: expect.stringMatching(
        /^Invalid Request: this connection is already initialized with protocol 2025-11-25; initialize is sent once, as the first request\. To start again .* open a new connection/,
      ),
    },
  });
  // The connection goes on as it was.
  expect(await ask("tools/list", {})).toMatchObject({
    result: { tools: [expect.objectContaining({ name: "add_book" })] },
  });
});

it("takes an initialize after one that failed", async () => {
  const ask = await connection();
  expect(await ask("initialize", { protocolVersion: 5 })).toMatchObject({ error: { code: -32602 } });
  expect(await ask("initialize", initialize("2025-06-18"))).toMatchObject({
    result: { protocolVersion: "2025-06-18" },
  });
});

it("writes the refused initialize to the audit trail", async () => {
  const { audit, entries: lines } = memoryAudit();
  const ask = await connection(auditedFactory(libraryFactory(3).factory, audit));
  await ask("initialize", initialize("2025-11-25"));
  await ask("initialize", initialize("2025-11-25"));
  expect(lines.filter((line) => line.method === "initialize").map((line) => line.outcome)).toEqual(["ok", "error"]);
  expect(lines.at(-1)?.reason).toMatch(/^-32600 Invalid Request: this connection is already initialized/);
});

it.each<ClientKind>(["v2@2025-11-25", "v1@2025-11-25", "v1@2025-06-18"])(
  "answers a %s client's second initialize with Invalid Request",
  async (kind) => {
    const client = await connectClient(libraryFactory(3).factory, kind);
    closers.push(() => client.close());
    // Neither SDK sends initialize twice by itself; both let a caller send any request.
    const request = (client as unknown as { request(request: object, schema: unknown): Promise<unknown> }).request;
    const again = request.call(
      client,
      { method: "initialize", params: initialize("2025-11-25") },
      InitializeResultSchema,
    );
    await expect(again).rejects.toMatchObject({ code: -32600 });
    await expect(again).rejects.toThrow(/already initialized with protocol 2025-/);
    expect((await client.listTools()).tools.map(({ name }) => name)).toContain("add_book");
  },
);
