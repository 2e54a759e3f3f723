import { createProgress } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import type { SqliteExecutor } from "../../src/executor.js";
import { run } from "../../src/tools/context.js";

const LIMITS = { maxRows: 10, maxBytes: 10_000, allowAttach: false, countMs: 0 };

/** Resolves once `check` holds, looked at on each turn of the event loop. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

describe("run's progress", () => {
  it("says the statement is waiting its turn until the executor starts it, and only then that it is running", async () => {
    let start = () => {};
    let finish = () => {};
    // An executor with statements ahead of this one: it starts it when `start` is called, and answers on `finish`.
    const executor: SqliteExecutor = {
      readOnly: false,
      timeoutMs: 30_000,
      warm() {},
      close: async () => {},
      run: (_request, _signal, _observe, started) =>
        new Promise((resolve) => {
          start = () => started?.();
          finish = () => resolve({ rows: [] });
        }),
    };
    const messages: string[] = [];
    const progress = createProgress((update) => void messages.push(update.message ?? ""), {
      delayMs: 0,
      intervalMs: 5,
    });
    const call = { signal: new AbortController().signal, progress, confirm: async () => "unsupported" as const };
    const done = run({ executor, limits: LIMITS }, { op: "query", sql: "SELECT 1", limits: LIMITS }, call as never);
    await until(() => messages.length > 0);
    start();
    await until(() => messages.some((m) => m.startsWith("SQL running")));
    finish();
    await done;
    const ran = messages.findIndex((m) => m.startsWith("SQL running"));
    expect(messages.slice(0, ran).every((m) => /^waiting [\d.]+ s for the statements ahead of it/.test(m))).toBe(true);
    expect(ran).toBeGreaterThan(0);
    expect(messages.slice(ran).every((m) => /^SQL running for [\d.]+ s$/.test(m))).toBe(true);
  });
});
