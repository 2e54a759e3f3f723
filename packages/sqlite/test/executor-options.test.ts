import { describe, expect, it } from "vitest";
import { type ChildExecutorOptions, executorLimits } from "../src/executor-options.js";

const base: ChildExecutorOptions = { path: "/nowhere/a.db", readOnly: false, timeoutMs: 1000 };

describe("executorLimits", () => {
  it.each([
    ["nothing but a short time limit", {}, { maxMemoryMb: 256, startLimitMs: 15_000, busyTimeoutMs: 1000 }],
    ["a time limit past 15 s", { timeoutMs: 60_000 }, { maxMemoryMb: 256, startLimitMs: 60_000, busyTimeoutMs: 5000 }],
    [
      "every limit given",
      { maxMemoryMb: 160, startLimitMs: 400, busyTimeoutMs: 50 },
      { maxMemoryMb: 160, startLimitMs: 400, busyTimeoutMs: 50 },
    ],
  ])("fills in the defaults, given %s", (_, options, limits) => {
    expect(executorLimits({ ...base, ...options })).toEqual(limits);
  });

  it.each([0, 1.5, -1])("refuses a start limit of %s ms", (startLimitMs) => {
    expect(() => executorLimits({ ...base, startLimitMs })).toThrow(RangeError);
  });

  it.each([100, 159, 200.5])("refuses a memory limit of %s MiB", (maxMemoryMb) => {
    expect(() => executorLimits({ ...base, maxMemoryMb })).toThrow(/maxMemoryMb/);
  });
});
