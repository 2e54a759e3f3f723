import { spawnSync } from "node:child_process";
import { createContext, Script } from "node:vm";
import { describe, expect, it } from "vitest";
import { Budget, BudgetExceeded, runSliced, SliceExceeded } from "../src/budget.js";

// Each item spins for `ms` milliseconds; `st.progress` counts the items done, as the matchers' scripts do.
const SPIN = new Script(`(() => {
  for (; st.progress < n; st.progress++) { const end = Date.now() + ms; while (Date.now() < end); }
})()`);

const run = (n: number, ms: number, budget: Budget) => {
  const st = { progress: 0 };
  return { st, done: runSliced(SPIN, createContext({ st, n, ms }), st, budget) };
};

describe("runSliced", () => {
  it("finishes work longer than a slice, letting other work run between slices", async () => {
    const order: string[] = [];
    const { st, done } = run(40, 10, new Budget(60_000)); // ~400 ms: several slices
    setImmediate(() => order.push(`other (items done: ${st.progress < 40 ? "some" : "all"})`));
    await done.then(() => order.push("sliced"));
    expect(st.progress).toBe(40);
    expect(order).toEqual(["other (items done: some)", "sliced"]);
  });

  it("tells how far it got between slices, for a long run's progress", async () => {
    const st = { progress: 0 };
    const heard: number[] = [];
    await runSliced(SPIN, createContext({ st, n: 40, ms: 10 }), st, new Budget(60_000), () => heard.push(st.progress));
    expect(heard.length).toBeGreaterThan(0);
    // First while work remained (a slice lost to other processes may have done none; one cut off just as the last
    // item ended, all), then never less than before.
    expect(heard[0]).toBeLessThan(40);
    expect(heard).toEqual([...heard].sort((a, b) => a - b));
  });

  it("stops when the call's budget runs out", async () => {
    const { st, done } = run(1000, 10, new Budget(250));
    await expect(done).rejects.toThrow(BudgetExceeded);
    expect(st.progress).toBeGreaterThan(0);
    expect(st.progress).toBeLessThan(1000);
  });

  it("stops when the call is cancelled", async () => {
    const abort = new AbortController();
    const { done } = run(1000, 10, new Budget(60_000, abort.signal));
    setImmediate(() => abort.abort());
    await expect(done).rejects.toThrow(BudgetExceeded);
  });

  it("refuses an item that alone fills a slice", async () => {
    const { st, done } = run(3, 400, new Budget(60_000));
    await expect(done).rejects.toThrow(SliceExceeded);
    expect(st.progress).toBe(0);
  });
});

describe("Budget.stoppedNote", () => {
  it("says the client cancelled the call, and how far it got, when its signal fired", () => {
    const cancelling = new AbortController();
    const budget = new Budget(60_000, cancelling.signal);
    cancelling.abort();
    expect(budget.over).toBe(true);
    expect(budget.stoppedNote(812, "searchTimeoutMs")).toBe(
      "[cancelled by the client after 812 entries; results are partial]",
    );
  });

  it("counts one entry as one", () => {
    const cancelling = new AbortController();
    cancelling.abort();
    expect(new Budget(60_000, cancelling.signal).stoppedNote(1, "searchTimeoutMs")).toBe(
      "[cancelled by the client after 1 entry; results are partial]",
    );
    expect(new Budget(0).stoppedNote(1, "searchTimeoutMs")).toMatch(/ after 1 entry; results are partial/);
  });

  it("names the time limit, as the server's user sets it, when the time ran out", () => {
    const budget = new Budget(0, new AbortController().signal);
    expect(budget.stoppedNote(812, "--search-timeout-ms MS")).toBe(
      "[stopped at the 0 s time limit per call, set by --search-timeout-ms MS, after 812 entries; results are partial — narrow path, pattern or content, or add exclude]",
    );
  });
});

describe("runSliced out of file descriptors", () => {
  it("fails the call naming EMFILE instead of Node aborting the whole server", () => {
    // Node's vm timeout needs descriptors for its watchdog and aborts the process without them: run in a child
    // under a low limit, all of it used up before the slice.
    const dist = new URL("../dist/", import.meta.url).href;
    const script = `
      const { openSync } = await import("node:fs");
      const { createContext, Script } = await import("node:vm");
      const { Budget, runSliced } = await import(${JSON.stringify(`${dist}budget.js`)});
      try { for (;;) openSync("/dev/null", "r"); } catch {}
      const st = { progress: 0 };
      try { await runSliced(new Script("st.progress = 1"), createContext({ st }), st, new Budget(5000)); console.log("ran"); }
      catch (error) { console.log(error.message); }`;
    const run = spawnSync(
      "bash",
      ["-c", 'ulimit -n 256 && exec "$0" --input-type=module -e "$1"', process.execPath, script],
      {
        encoding: "utf8",
        timeout: 20_000,
      },
    );
    expect(run.signal).toBeNull();
    expect(run.stdout.trim()).toBe(
      "matching stopped: the server has as many files open as its limit allows (EMFILE, ulimit -n); try again once fewer calls are running",
    );
  });
});
