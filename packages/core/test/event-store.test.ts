// A session's bounded event log (event-store.ts): what it replays, what it drops, and what it refuses to resume from.
import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { EVENT_BYTES_KEPT, EVENTS_KEPT, SessionEventStore } from "../src/event-store.js";

const note = (n: number, pad = ""): JSONRPCMessage => ({
  jsonrpc: "2.0",
  method: "notifications/message",
  params: { level: "info", data: `n${n}${pad}` },
});

async function replay(store: SessionEventStore, after: string) {
  const sent: { id: string; data: unknown }[] = [];
  const stream = await store.replayEventsAfter(after, {
    send: async (id, message) =>
      void sent.push({ id, data: (message as { params?: { data?: unknown } }).params?.data }),
  });
  return { stream, sent };
}

describe("a session's event store", () => {
  it("replays what came after an id on that id's stream only, in order, without priming events", async () => {
    const store = new SessionEventStore();
    const first = await store.storeEvent("get", note(1));
    await store.storeEvent("post-a", {} as JSONRPCMessage); // a POST stream's priming event
    await store.storeEvent("get", note(2));
    await store.storeEvent("post-a", note(99));
    const third = await store.storeEvent("get", note(3));
    const { stream, sent } = await replay(store, first);
    expect(stream).toBe("get");
    expect(sent.map((event) => event.data)).toEqual(["n2", "n3"]);
    expect(sent.at(-1)?.id).toBe(third);
  });

  it("replays an event stored while it replays (the SDK has no live stream to write it to until then)", async () => {
    const store = new SessionEventStore();
    const first = await store.storeEvent("get", note(1));
    await store.storeEvent("get", note(2));
    const sent: unknown[] = [];
    await store.replayEventsAfter(first, {
      send: async (_, message) => {
        sent.push((message as { params?: { data?: unknown } }).params?.data);
        if (sent.length === 1) await store.storeEvent("get", note(3));
      },
    });
    expect(sent).toEqual(["n2", "n3"]);
  });

  it("keeps at most its event limit, dropping the oldest, and refuses an id before them with 410", async () => {
    const store = new SessionEventStore();
    const ids: string[] = [];
    for (let i = 0; i < EVENTS_KEPT + 5; i++) ids.push(await store.storeEvent("get", note(i)));
    expect(store.kept.events).toBe(EVENTS_KEPT);
    expect(store.resumeVerdict(ids[4] as string)).toMatchObject({
      status: 410,
      message: expect.stringMatching(/no longer kept \(a session keeps its last 1000 events and 1024 KiB/),
    });
    await expect(replay(store, ids[4] as string)).rejects.toThrow(/no longer kept/);
    expect(store.resumeVerdict(ids[5] as string)).toBeUndefined();
    expect((await replay(store, ids[5] as string)).sent).toHaveLength(EVENTS_KEPT - 1);
  });

  it("keeps at most its byte limit, so big events cannot pile up", async () => {
    const store = new SessionEventStore();
    const pad = "x".repeat(100_000);
    for (let i = 0; i < 30; i++) await store.storeEvent("get", note(i, pad));
    expect(store.kept.bytes).toBeLessThanOrEqual(EVENT_BYTES_KEPT);
    expect(store.kept.events).toBe(10);
  });

  it("keeps no event bigger than the byte limit, and refuses to resume across it", async () => {
    const store = new SessionEventStore(100, 1000);
    const before = await store.storeEvent("get", note(1));
    await store.storeEvent("get", note(2, "x".repeat(2000)));
    const after = await store.storeEvent("get", note(3));
    expect(store.resumeVerdict(before)?.status).toBe(410);
    expect((await replay(store, after)).sent).toEqual([]);
  });

  it.each([
    ["another store's id", () => new SessionEventStore().storeEvent("get", note(1)), /not an event this session sent/],
    ["a made-up id", async () => "42", /not an event this session sent/],
    ["an id not sent yet", async () => "", /not an event this session sent yet/],
  ])("refuses %s with 400, never replaying a guess", async (_, idOf, message) => {
    const store = new SessionEventStore();
    const mine = await store.storeEvent("get", note(1));
    const id = (await idOf()) || mine.replace(/-\d+$/, "-7");
    expect(store.resumeVerdict(id)).toEqual({ status: 400, message: expect.stringMatching(message) });
    await expect(replay(store, id)).rejects.toThrow(message);
  });
});
