import { silentLogger } from "@mcp-toolkit/core";
import type { Dispatcher } from "undici";
import { describe, expect, it } from "vitest";
import type { Progress } from "../src/fetch-errors.js";
import { type RetryRules, sendWithRetries } from "../src/retries.js";

interface Sent {
  statusCode: number;
  headers: Record<string, string>;
  dumped: boolean;
}

/** A send that answers the given statuses in turn (the last one from then on), each with its Retry-After. */
function answers(...replies: [number, string?][]) {
  const sent: Sent[] = [];
  const send = async () => {
    const [statusCode, retryAfter] = replies[Math.min(sent.length, replies.length - 1)] ?? [200];
    const answer: Sent = {
      statusCode,
      headers: retryAfter === undefined ? {} : { "retry-after": retryAfter },
      dumped: false,
    };
    sent.push(answer);
    const body = {
      dump: async () => {
        answer.dumped = true;
      },
    };
    return { statusCode, headers: answer.headers, body } as unknown as Dispatcher.ResponseData;
  };
  return { send, sent };
}

const rules: RetryRules = { maxRetries: 2, maxRetryWaitMs: 10_000, logger: silentLogger };
const get = { method: "GET", url: new URL("http://127.0.0.1:1/") };

function call(overrides: { deadlineAt?: number; signal?: AbortSignal } = {}) {
  const state = { resends: 0, progress: { phase: "connecting", bytes: 0 } as Progress };
  return {
    state,
    call: {
      deadlineAt: overrides.deadlineAt ?? performance.now() + 60_000,
      signal: overrides.signal ?? new AbortController().signal,
      progress: state.progress,
      onResend: () => {
        state.resends++;
      },
      retried: 0,
    },
  };
}

describe("sendWithRetries", () => {
  it("resends a GET answered 503 or 429 until it succeeds, reading each refused body to free its connection", async () => {
    const { send, sent } = answers([503, "0"], [429, "0"], [200]);
    const { state, call: c } = call();
    const response = await sendWithRetries(send, get, rules, c);
    expect(response.statusCode).toBe(200);
    expect(sent.map((s) => [s.statusCode, s.dumped])).toEqual([
      [503, true],
      [429, true],
      [200, false],
    ]);
    expect(state.resends).toBe(2);
    expect(state.progress.phase).toBe("waiting 0 ms to retry");
  });

  it("stops after maxRetries and hands back the last refusal, unread", async () => {
    const { send, sent } = answers([503, "0"]);
    const { state, call: c } = call();
    const response = await sendWithRetries(send, get, { ...rules, maxRetries: 2 }, c);
    expect(response.statusCode).toBe(503);
    expect(sent).toHaveLength(3);
    expect(sent.at(-1)?.dumped).toBe(false);
    expect(state.resends).toBe(2);
  });

  it.each([
    ["a Retry-After beyond maxRetryWaitMs", [503, "3600"] as [number, string], {}],
    ["a wait past the call's deadline", [429, "2"] as [number, string], { deadlineAt: performance.now() + 1000 }],
  ])("returns the answer itself, Retry-After and all, for %s", async (_name, reply, overrides) => {
    const { send, sent } = answers(reply, [200]);
    const { state, call: c } = call(overrides);
    const response = await sendWithRetries(send, get, rules, c);
    expect(response.statusCode).toBe(reply[0]);
    expect(response.headers["retry-after"]).toBe(reply[1]);
    expect(sent).toHaveLength(1);
    expect(state.resends).toBe(0);
  });

  it.each(["POST", "PATCH"])("never resends a %s (not idempotent)", async (method) => {
    const { send, sent } = answers([503, "0"], [200]);
    const response = await sendWithRetries(send, { ...get, method }, rules, call().call);
    expect(response.statusCode).toBe(503);
    expect(sent).toHaveLength(1);
  });

  it("counts the resends the call made on earlier hops against maxRetries", async () => {
    const { send, sent } = answers([503, "0"], [200]);
    const { state, call: c } = call();
    const response = await sendWithRetries(send, get, rules, { ...c, retried: 1 });
    expect(response.statusCode).toBe(200);
    expect(state.resends).toBe(1);
    const used = answers([503, "0"], [200]);
    expect((await sendWithRetries(used.send, get, rules, { ...c, retried: 2 })).statusCode).toBe(503);
    expect([sent.length, used.sent.length]).toEqual([2, 1]);
  });

  it("leaves other statuses alone", async () => {
    const { send, sent } = answers([500, "0"], [200]);
    expect((await sendWithRetries(send, get, rules, call().call)).statusCode).toBe(500);
    expect(sent).toHaveLength(1);
  });

  it("stops waiting when the call is cancelled, and sends nothing more", async () => {
    const { send, sent } = answers([503, "5"], [200]);
    const controller = new AbortController();
    const pending = sendWithRetries(send, get, rules, call({ signal: controller.signal }).call);
    setImmediate(() => controller.abort());
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    expect(sent).toHaveLength(1);
  });
});
