import { describe, expect, it } from "vitest";
import { beginCall, callsSignal, newHandle } from "../src/server-handle.js";

describe("calls in flight", () => {
  it("give a signal while any runs, aborted when the last ends (once each), and none between calls", () => {
    const handle = newHandle({ kind: "stdio", name: "fx", command: "x", args: [], env: {}, builtin: false });
    expect(callsSignal(handle)).toBeUndefined();
    const endFirst = beginCall(handle);
    const endSecond = beginCall(handle);
    const signal = callsSignal(handle);
    endFirst();
    endFirst();
    expect(signal?.aborted).toBe(false);
    endSecond();
    expect(signal?.aborted).toBe(true);
    expect(callsSignal(handle)).toBeUndefined();
    beginCall(handle);
    expect(callsSignal(handle)?.aborted).toBe(false);
  });
});
