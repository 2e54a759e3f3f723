import { describe, expect, it } from "vitest";
import { createBudgetGate } from "../src/budget-gate.js";

/** Whether `promise` has settled once every queued callback so far has run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe("createBudgetGate", () => {
  it("grants what fits at once, makes the rest wait their turn, and lets them in as room is given back", async () => {
    const gate = createBudgetGate(10);
    const first = gate.hold();
    await first.resize(8);
    const second = gate.hold();
    const waiting = second.resize(5);
    expect(await settled(waiting)).toBe(false);
    expect(gate.state()).toEqual({ held: 8, waiting: 1 });
    await first.resize(3); // lowered to what was read: 3 + 5 fits
    await waiting;
    expect(gate.state()).toEqual({ held: 8, waiting: 0 });
    first.release();
    second.release();
    second.release(); // twice is harmless
    expect(gate.state()).toEqual({ held: 0, waiting: 0 });
  });

  it("keeps its line: a small call waits behind a large one, until the large one gives up its place", async () => {
    const gate = createBudgetGate(10);
    const holder = gate.hold();
    await holder.resize(6);
    const large = new AbortController();
    const big = gate.hold().resize(10, large.signal);
    const small = gate.hold().resize(2);
    expect(await settled(small)).toBe(false);
    large.abort(new Error("cancelled"));
    await expect(big).rejects.toThrow("cancelled");
    await small; // 6 + 2 fits once the large one left the line
    expect(gate.state()).toEqual({ held: 8, waiting: 0 });
  });

  it("grants a rise that fits even on an aborted signal (it bounds only waiting), and refuses to queue on one", async () => {
    const gate = createBudgetGate(2);
    const passed = AbortSignal.abort(new Error("late"));
    await gate.hold().resize(1, passed);
    const holder = gate.hold();
    await holder.resize(1);
    await expect(gate.hold().resize(1, passed)).rejects.toThrow("late");
    expect(gate.state()).toEqual({ held: 2, waiting: 0 });
  });
});
