// A question the user never answers, on a 2025-era connection: the call gives up after QUESTION_WAIT_MS (not the SDK's
// 10 minutes) and says what happened, with the item still there. Timers are faked, so the test does not wait.
import { afterEach, describe, expect, it, vi } from "vitest";
import { serverFactory } from "../src/server-factory.js";
import { toolSet } from "../src/tool.js";
import { QUESTION_WAIT_MS, unansweredMessage } from "../src/unanswered-question.js";
import { type ClientKind, connectClient, type TestClient } from "./clients.js";
import { deleteItemTool } from "./delete-item.js";
import { textOf } from "./fixtures.js";

describe("unansweredMessage", () => {
  it.each<[string, RegExp | undefined]>([
    [
      "Fulfilling input required by 'tools/call' failed: Request timed out",
      /no answer within 90 s.*Nothing was changed/,
    ],
    [
      "Fulfilling input required by 'tools/call' failed: MCP error -32001: Request timed out",
      /no answer within 90 s.*Nothing was changed/,
    ],
    [
      "Fulfilling input required by 'tools/call' failed: client broke",
      /client failed to ask them \(it reported: client broke\)\. Nothing was changed\. Call again/,
    ],
    [
      "Fulfilling input required by 'tools/call' failed: MCP error -32601: Method not found",
      /\(it reported: MCP error -32601: Method not found\)\. Nothing was changed/,
    ],
    [
      // A client whose answer is not an elicitation result: the SDK's schema issues, over many lines.
      'Fulfilling input required by \'tools/call\' failed: Invalid result for elicitation/create: [\n  {\n    "code": "invalid_value",\n    "path": [\n      "action"\n    ]\n  }\n]',
      /\(it reported: Invalid result for elicitation\/create: \[ \{ "code": "invalid_value", "path": \[ "action" \] \} \]\)\. Nothing/,
    ],
    [
      // The server stopping withdrew the question (asked-calls.ts).
      "Fulfilling input required by 'tools/call' failed: the server is shutting down, so the question was withdrawn before the user answered",
      /and the server is shutting down, so the question was withdrawn before they answered\. Nothing was changed; call again \(another instance may answer\)\.$/,
    ],
    ["Fulfilling input required by 'tools/call' failed: Connection closed", undefined],
    ["Fulfilling input required by 'tools/call' failed: ", undefined],
    ["Request timed out", undefined],
    ["client broke", undefined],
    ["deleted ledger", undefined],
  ])("%j → %s", (text, explained) => {
    const message = unansweredMessage(text);
    if (explained) expect(message).toMatch(explained);
    else expect(message).toBeUndefined();
  });

  it("quotes at most 200 characters of the client's reason", () => {
    const message = unansweredMessage(`Fulfilling input required by 'tools/call' failed: ${"x".repeat(5000)}`);
    expect(message).toContain(`(it reported: ${"x".repeat(200)}…)`);
    expect(message?.length).toBeLessThan(600);
  });

  it("does not split a surrogate pair where it cuts the reason", () => {
    // The emoji's two UTF-16 units are the 200th and 201st: half of it would be a lone surrogate in the JSON.
    const message = unansweredMessage(
      `Fulfilling input required by 'tools/call' failed: ${"x".repeat(199)}😀 and more`,
    );
    expect(message).toContain(`(it reported: ${"x".repeat(199)}…)`);
    expect(message).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

const clients: TestClient[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const client of clients.splice(0)) await client.close().catch(() => {});
});

function vault() {
  const items = new Map([["ledger", "x"]]);
  const deleteItem = deleteItemTool(items);
  return { items, factory: serverFactory({ info: { name: "vault", version: "1.0.0" }, tools: toolSet([deleteItem]) }) };
}

describe.each<ClientKind>(["v1@2025-11-25", "v2@2025-06-18"])("a %s client whose elicitation fails", (kind) => {
  it("ends the call with a result that says nothing was changed and what to do", async () => {
    const { items, factory } = vault();
    const client = await connectClient(factory, kind, undefined, {
      elicit: {
        answer: () => {
          throw new Error("client broke");
        },
      },
    });
    clients.push(client);
    const result = await client.callTool({ name: "delete_item", arguments: { name: "ledger" } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      "Not done: this call needs the user's confirmation, and their client failed to ask them (it reported: client broke). Nothing was changed. Call again to have the user asked again; if it fails again, tell the user their client cannot show the confirmation question, so this cannot be done through it until that is fixed.",
    );
    expect(items.has("ledger")).toBe(true);
  });
});

describe.each<ClientKind>(["v1@2025-11-25", "v2@2025-06-18"])("a question a %s client never answers", (kind) => {
  it("ends the call after the wait with a result that says so, and changes nothing", async () => {
    const { items, factory } = vault();
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
