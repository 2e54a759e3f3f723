// A server factory closed while tool calls run: each call is answered that the server is shutting down — whether its
// work stops on its signal, answers that itself, or goes on regardless — once, and audited so; close() resolves
// after. A call that had finished is left as it was answered.
import type { CallToolResult } from "@modelcontextprotocol/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ok } from "../src/results.js";
import {
  HEAR_CANCEL_AFTER_MS,
  isShuttingDown,
  RunningCalls,
  SHUTTING_DOWN,
  SIGNAL_USES,
  stoppedAnswer,
} from "../src/running-calls.js";
import { auditedFactory, serverFactory } from "../src/server-factory.js";
import { defineTool, toolSet } from "../src/tool.js";
import { memoryAudit } from "./audit-trail.js";
import { type ClientKind, connectClient, type TestClient } from "./clients.js";

const READ_AGAIN = `failed: ${SHUTTING_DOWN} and stopped it before it finished: call again (another instance may answer)`;
const CHECK_FIRST = `failed: ${SHUTTING_DOWN} and stopped it: it may have been done, or done in part; check before calling again (another instance may answer)`;
const text = (message: string): CallToolResult => ({ content: [{ type: "text", text: message }] });
const error = (message: string): CallToolResult => ({ ...text(message), isError: true });

describe("stoppedAnswer: what a call stopped by the shutdown answers", () => {
  it.each<[string, boolean, CallToolResult | undefined, CallToolResult]>([
    ["a read's partial result", true, text("[cancelled after 3 entries]"), error(`walk ${READ_AGAIN}`)],
    ["a read's own error", true, error("walk failed: cancelled by the client"), error(`walk ${READ_AGAIN}`)],
    ["a read with no answer yet", true, undefined, error(`walk ${READ_AGAIN}`)],
    ["a change that finished", false, text("wrote 3 bytes"), text("wrote 3 bytes")],
    ["a change that failed", false, error("walk failed: cancelled"), error(`walk ${CHECK_FIRST}`)],
    ["a change with no answer yet", false, undefined, error(`walk ${CHECK_FIRST}`)],
    ["its own shutdown answer", false, error(`q failed: ${SHUTTING_DOWN}; x`), error(`q failed: ${SHUTTING_DOWN}; x`)],
    [
      "a read's own shutdown answer",
      true,
      error(`q failed: ${SHUTTING_DOWN}; x`),
      error(`q failed: ${SHUTTING_DOWN}; x`),
    ],
  ])("%s", (_, readOnly, answered, expected) => {
    expect(stoppedAnswer("walk", readOnly, answered)).toEqual(expected);
  });
});

const hints = (readOnlyHint: boolean) => ({
  readOnlyHint,
  destructiveHint: false,
  idempotentHint: readOnlyHint,
  openWorldHint: false,
});

/** A factory whose tools each say when they start: one stops on its signal, one never stops, one answers at once. */
function stoppable() {
  const started = new Map<string, () => void>();
  const running = (name: string) => new Promise<void>((resolve) => started.set(name, resolve));
  const tool = (name: string, readOnly: boolean, work: (signal: AbortSignal) => Promise<CallToolResult>) =>
    defineTool({
      name,
      title: name,
      description: name,
      inputSchema: { n: z.number().describe("any") },
      annotations: hints(readOnly),
      handler: async (_args, call) => {
        started.get(name)?.();
        return work(call.signal);
      },
    });
  const reasons: unknown[] = [];
  const tools = toolSet([
    tool(
      "walk",
      true,
      (signal) =>
        new Promise<CallToolResult>((resolve) =>
          signal.addEventListener("abort", () => {
            reasons.push(signal.reason);
            resolve(ok("[cancelled by the client after 3 entries; results are partial]"));
          }),
        ),
    ),
    tool("stubborn", false, () => new Promise<CallToolResult>(() => {})),
    tool("quick", true, async () => ok("done")),
  ]);
  const { audit, entries } = memoryAudit();
  const factory = auditedFactory(serverFactory({ info: { name: "stoppable", version: "1.0.0" }, tools }), audit);
  return { factory, entries, running, reasons };
}

const clients: TestClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
});

describe("RunningCalls: each call's signal", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("hears its client's cancel from HEAR_CANCEL_AFTER_MS in, and one made before then at that moment", () => {
    const running = new RunningCalls();
    const early = new AbortController();
    const late = new AbortController();
    const first = running.begin(early.signal);
    const second = running.begin(late.signal);
    early.abort(new Error("cancelled at once"));
    expect(first.signal.aborted).toBe(false);
    vi.advanceTimersByTime(HEAR_CANCEL_AFTER_MS);
    expect(first.signal.reason).toEqual(new Error("cancelled at once"));
    expect(second.signal.aborted).toBe(false);
    late.abort(new Error("cancelled later"));
    expect(second.signal.reason).toEqual(new Error("cancelled later"));
    first.end();
    second.end();
    // A call whose client had cancelled before it began hears it at once.
    expect(running.begin(AbortSignal.abort(new Error("gone"))).signal.aborted).toBe(true);
  });

  it("follows its client's signal, and is used again for a later call only once nothing can tell", () => {
    const running = new RunningCalls();
    const client = new AbortController();
    const first = running.begin(client.signal);
    first.end();
    // Never aborted, no listener left: the next call gets it, and still hears its own client.
    const second = running.begin(client.signal);
    expect(second.signal).toBe(first.signal);
    const listened = second.signal;
    listened.addEventListener("abort", () => {});
    second.end();
    // A listener left on it (work that may still be listening): not used again.
    const third = running.begin(new AbortController().signal);
    expect(third.signal).not.toBe(listened);
    third.end();
    const cancelling = new AbortController();
    const fourth = running.begin(cancelling.signal);
    expect(fourth.signal).toBe(third.signal);
    vi.advanceTimersByTime(HEAR_CANCEL_AFTER_MS);
    cancelling.abort(new Error("cancelled"));
    expect(fourth.signal.aborted).toBe(true);
    fourth.end();
    // Aborted: not used again.
    expect(running.begin(new AbortController().signal).signal.aborted).toBe(false);
  });

  it(`is handed to at most ${SIGNAL_USES} calls, however many derive signals from it`, () => {
    // Node 20 keeps a reference to each signal AbortSignal.any derives (the HTTP fetcher's, every call) until its
    // source aborts: a signal reused for ever would hold one per call, a heap that only grows.
    const running = new RunningCalls();
    const client = new AbortController().signal;
    const handed = new Map<AbortSignal, number>();
    for (let i = 0; i < SIGNAL_USES * 3; i++) {
      const call = running.begin(client);
      AbortSignal.any([call.signal]);
      handed.set(call.signal, (handed.get(call.signal) ?? 0) + 1);
      call.end();
    }
    expect([...handed.values()]).toEqual([SIGNAL_USES, SIGNAL_USES, SIGNAL_USES]);
  });

  it("does not hear the client of an earlier call whose signal it reuses", () => {
    const running = new RunningCalls();
    const earlier = new AbortController();
    running.begin(earlier.signal).end();
    const later = running.begin(new AbortController().signal);
    earlier.abort();
    expect(later.signal.aborted).toBe(false);
    later.end();
  });
});

describe("a server factory closed while calls run", () => {
  it.each<ClientKind>(["modern", "v2@2025-11-25"])(
    "answers each call left that the server is shutting down, once, audited, before close() resolves (%s)",
    async (kind) => {
      const { factory, entries, running, reasons } = stoppable();
      const client = await connectClient(factory, kind);
      clients.push(client);
      expect(await client.callTool({ name: "quick", arguments: { n: 1 } })).toMatchObject({
        content: [{ text: "done" }],
      });
      const walking = running("walk");
      const stubborn = running("stubborn");
      const walk = client.callTool({ name: "walk", arguments: { n: 2 } });
      const change = client.callTool({ name: "stubborn", arguments: { n: 3 } });
      await Promise.all([walking, stubborn]);
      await factory.close();
      // Written by the time close() resolves, so a bin's audit log, closed next, has them.
      const tools = entries.filter((entry) => entry.method === "tools/call").map((e) => [e.tool, e.outcome, e.reason]);
      expect(tools).toEqual([
        ["quick", "ok", null],
        ["walk", "error", `walk ${READ_AGAIN}`],
        ["stubborn", "error", `stubborn ${CHECK_FIRST}`],
      ]);
      expect(await walk).toMatchObject({ isError: true, content: [{ text: `walk ${READ_AGAIN}` }] });
      expect(await change).toMatchObject({ isError: true, content: [{ text: `stubborn ${CHECK_FIRST}` }] });
      // The work's signal said why: not its client cancelling.
      expect(reasons.map(isShuttingDown)).toEqual([true]);
    },
  );

  it("answers a call begun after close() that the server is shutting down", async () => {
    const { factory } = stoppable();
    const client = await connectClient(factory, "v2@2025-11-25");
    clients.push(client);
    await factory.close();
    expect(await client.callTool({ name: "walk", arguments: { n: 1 } })).toMatchObject({
      isError: true,
      content: [{ text: `walk ${READ_AGAIN}` }],
    });
  });
});

describe("RunningCalls: a 2025-era call waiting on its user's answer", () => {
  it("has its question withdrawn by stop(), which resolves once the call has ended", async () => {
    const running = new RunningCalls();
    const withdrawn: string[] = [];
    const waiting = running.asking(() => withdrawn.push("waiting"));
    const answered = running.asking(() => withdrawn.push("answered"));
    answered.end();
    let stopped = false;
    const stopping = running.stop().then(() => {
      stopped = true;
    });
    expect(withdrawn).toEqual(["waiting"]);
    await Promise.resolve();
    expect(stopped).toBe(false);
    waiting.end();
    await stopping;
    expect(stopped).toBe(true);
  });

  it("asking once the server is stopping, has its question withdrawn at once", async () => {
    const running = new RunningCalls();
    await running.stop();
    const withdrawn: string[] = [];
    running.asking(() => withdrawn.push("late")).end();
    expect(withdrawn).toEqual(["late"]);
  });
});
