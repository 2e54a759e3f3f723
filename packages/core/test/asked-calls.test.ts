// A 2025-era call that asked its user and ended without its handler running again (no answer in time, the client
// failing to ask, cancelling, or going away) is audited and counted as it ended, not left at "asked".
import { afterEach, describe, expect, it, vi } from "vitest";
import { auditedFactory, serverFactory } from "../src/server-factory.js";
import { toolSet } from "../src/tool.js";
import { QUESTION_WAIT_MS } from "../src/unanswered-question.js";
import { memoryAudit } from "./audit-trail.js";
import { type ClientKind, connectClient, type ElicitAnswer, type TestClient } from "./clients.js";
import { deleteItemTool } from "./delete-item.js";
import { WITHDRAWN } from "./shutdown-call.js";

const clients: TestClient[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const client of clients.splice(0)) await client.close().catch(() => {});
});

/** A vault whose delete_item asks first, audited to `entries`, and a 2025-era client of `kind` answering `answer`. */
async function vault(kind: ClientKind, answer: () => ElicitAnswer | Promise<ElicitAnswer>) {
  const items = new Map([["ledger", "x"]]);
  const deleteItem = deleteItemTool(items);
  const { audit, entries } = memoryAudit();
  const factory = serverFactory({ info: { name: "vault", version: "1.0.0" }, tools: toolSet([deleteItem]) });
  const asked: string[] = [];
  const client = await connectClient(auditedFactory(factory, audit), kind, 3_600_000, { elicit: { answer, asked } });
  clients.push(client);
  const lines = () =>
    entries.filter((entry) => entry.tool === "delete_item").map(({ outcome, reason }) => ({ outcome, reason }));
  return { items, client, asked, lines, factory, stats: () => factory.stats.report().tools.delete_item };
}

const never = () => new Promise<never>(() => {});

describe.each<ClientKind>(["v1@2025-11-25", "v2@2025-06-18"])("a %s client asked to confirm", (kind) => {
  it("whose question goes unanswered: the call is audited and counted as the error its client was told", async () => {
    const { items, client, asked, lines, stats } = await vault(kind, never);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const call = client.callTool({ name: "delete_item", arguments: { name: "ledger" } }, { timeout: 3_600_000 });
    await vi.waitFor(() => expect(asked).toHaveLength(1), { interval: 1 });
    await vi.advanceTimersByTimeAsync(QUESTION_WAIT_MS);
    expect((await call).isError).toBe(true);
    expect(lines()).toEqual([
      { outcome: "asked", reason: null },
      { outcome: "error", reason: expect.stringMatching(/^Not done: the user .* gave no answer within 90 s/) },
    ]);
    expect(stats()).toMatchObject({ calls: 1, errors: 1 });
    expect(items.has("ledger")).toBe(true);
  });

  it("whose client fails to ask: the call is audited as that error", async () => {
    const { lines, client, stats } = await vault(kind, () => {
      throw new Error("client broke");
    });
    await client.callTool({ name: "delete_item", arguments: { name: "ledger" } });
    expect(lines()).toEqual([
      { outcome: "asked", reason: null },
      {
        outcome: "error",
        reason: expect.stringMatching(/their client failed to ask them \(it reported: client broke\)/),
      },
    ]);
    expect(stats()).toMatchObject({ calls: 1, errors: 1 });
  });

  it.each(["cancels the call", "goes away"])(
    "whose client %s meanwhile: the call is audited as cancelled",
    async (how) => {
      const { items, client, asked, lines, stats } = await vault(kind, never);
      const stop = new AbortController();
      const call = client.callTool({ name: "delete_item", arguments: { name: "ledger" } }, { signal: stop.signal });
      await vi.waitFor(() => expect(asked).toHaveLength(1));
      if (how === "goes away") await client.close();
      else stop.abort("user gave up");
      await call.catch(() => {});
      await vi.waitFor(() => expect(lines()).toHaveLength(2));
      expect(lines()[1]).toEqual({
        outcome: "cancelled",
        reason: "delete_item was not done: cancelled by the client while the user was asked; nothing was changed",
      });
      // Cancelled calls are calls, and not errors.
      expect(stats()).toMatchObject({ calls: 1, errors: 0 });
      expect(items.has("ledger")).toBe(true);
    },
  );

  it("whose server stops meanwhile: the call is answered that the server is shutting down, and audited so", async () => {
    const { items, client, asked, lines, factory, stats } = await vault(kind, never);
    const call = client.callTool({ name: "delete_item", arguments: { name: "ledger" } });
    await vi.waitFor(() => expect(asked).toHaveLength(1));
    // As a stopping bin does: its calls are stopped (the question withdrawn), then its connections closed.
    await factory.close();
    const result = await call;
    await client.close();
    expect(result).toMatchObject({ isError: true, content: [{ type: "text", text: WITHDRAWN }] });
    expect(lines()).toEqual([
      { outcome: "asked", reason: null },
      { outcome: "error", reason: WITHDRAWN },
    ]);
    expect(stats()).toMatchObject({ calls: 1, errors: 1 });
    expect(items.has("ledger")).toBe(true);
  });

  it("whose connection is cut before the answer goes out: audited as the shutdown, not the client's cancel", async () => {
    const { items, client, asked, lines, factory } = await vault(kind, never);
    const call = client.callTool({ name: "delete_item", arguments: { name: "ledger" } });
    await vi.waitFor(() => expect(asked).toHaveLength(1));
    // As a second SIGTERM does: the connection closes before the withdrawn question's answer is sent.
    const closing = factory.close();
    await client.close();
    await closing;
    await call.catch(() => {});
    await vi.waitFor(() => expect(lines()).toHaveLength(2));
    expect(lines()[1]).toEqual({
      outcome: "error",
      reason:
        "delete_item was not done: the server is shutting down and closed the connection while the user was asked, so the client got no answer; nothing was changed",
    });
    expect(items.has("ledger")).toBe(true);
  });

  it("who answers: the call is audited once as it ended, after the question", async () => {
    const { items, client, lines, stats } = await vault(kind, () => ({ action: "accept", content: { confirm: true } }));
    await client.callTool({ name: "delete_item", arguments: { name: "ledger" } });
    expect(lines()).toEqual([
      { outcome: "asked", reason: null },
      { outcome: "ok", reason: null },
    ]);
    expect(stats()).toMatchObject({ calls: 1, errors: 0 });
    expect(items.has("ledger")).toBe(false);
  });
});
