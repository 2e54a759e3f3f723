import { describe, expect, it } from "vitest";
import { LOG_LINES_PER_WINDOW } from "../src/log-limit.js";
import { beginCall, callsSignal, clientHooks, newHandle } from "../src/server-handle.js";

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

describe("clientHooks", () => {
  it("says a server's resources changed within a budget of lines, however often it signals", () => {
    const handle = newHandle({ kind: "stdio", name: "fx", command: "x", args: [], env: {}, builtin: false });
    const notices: string[] = [];
    const hooks = clientHooks(handle, { env: {}, startupTimeoutMs: 1000, onNotice: (n) => notices.push(n) }, () => {});
    for (let i = 0; i < 2000; i++) hooks.onListChanged("resources");
    expect(notices).toHaveLength(LOG_LINES_PER_WINDOW + 1);
    expect(notices[0]).toBe("fx: resources changed");
    expect(notices.at(-1)).toBe(
      `fx: resources changed more than ${LOG_LINES_PER_WINDOW} times in 10 s; the rest of those changes are not shown`,
    );
  });
});
