// A question the user never answers, on a 2025-era connection: the call gives up after QUESTION_WAIT_MS (not the SDK's
// 10 minutes) and says what happened, with the item still there. Timers are faked, so the test does not wait.
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { unconfirmed } from "../src/confirm.js";
import { ok } from "../src/results.js";
import { serverFactory } from "../src/server-factory.js";
import { defineTool, toolSet } from "../src/tool.js";
import { QUESTION_WAIT_MS, unansweredMessage } from "../src/unanswered-question.js";
import { type ClientKind, connectClient, type TestClient } from "./clients.js";
import { textOf } from "./fixtures.js";

describe("unansweredMessage", () => {
  it.each<[string, boolean]>([
    ["Fulfilling input required by 'tools/call' failed: Request timed out", true],
    ["Fulfilling input required by 'tools/call' failed: MCP error -32001: Request timed out", true],
    ["Fulfilling input required by 'tools/call' failed: Connection closed", false],
    ["Request timed out", false],
    ["deleted ledger", false],
  ])("%j → explained: %s", (text, explained) => {
    const message = unansweredMessage(text);
    expect(message !== undefined).toBe(explained);
    if (message) expect(message).toMatch(/no answer within 90 s.*Nothing was changed/);
  });
});

const clients: TestClient[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const client of clients.splice(0)) await client.close().catch(() => {});
});

describe.each<ClientKind>(["v1@2025-11-25", "v2@2025-06-18"])("a question a %s client never answers", (kind) => {
  it("ends the call after the wait with a result that says so, and changes nothing", async () => {
    const items = new Map([["ledger", "x"]]);
    const deleteItem = defineTool({
      name: "delete_item",
      title: "Delete an item",
      description: "Delete one item.",
      inputSchema: { name: z.string().describe("The item.") },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
      handler: async ({ name }, call) => {
        const refused = unconfirmed(await call.confirm(`Delete item ${name}?`), `deleting item ${name}`);
        if (refused) return refused;
        items.delete(name);
        return ok(`deleted ${name}`);
      },
    });
    const factory = serverFactory({ info: { name: "vault", version: "1.0.0" }, tools: toolSet([deleteItem]) });
    const asked: string[] = [];
    // The client itself would wait an hour: only the server's wait can end the call.
    const client = await connectClient(factory, kind, 3_600_000, {
      elicit: { answer: () => new Promise(() => {}), asked },
    });
    clients.push(client);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const call = client.callTool({ name: "delete_item", arguments: { name: "ledger" } }, { timeout: 3_600_000 });
    await vi.waitFor(() => expect(asked).toEqual(["Delete item ledger?"]), { interval: 1 });
    await vi.advanceTimersByTimeAsync(QUESTION_WAIT_MS);
    const result = await call;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      "Not done: the user was asked to confirm this call and gave no answer within 90 s, so the question was withdrawn. Nothing was changed; call again when the user is there to answer.",
    );
    expect(items.has("ledger")).toBe(true);
  });
});
