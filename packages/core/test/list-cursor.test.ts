// A cursor on a list the SDK sends in one page (tools, prompts, resource templates), through real clients of both
// generations: invalid params, as the spec asks of an invalid cursor, not the whole list as if it were the next page.
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
