import { describe, expect, it } from "vitest";
import { type ChildExecutorOptions, executorLimits, lockWaitMs } from "../src/executor-options.js";

const base: ChildExecutorOptions = { path: "/nowhere/a.db", readOnly: false, timeoutMs: 1000 };

describe("executorLimits", () => {
  it.each([
    ["nothing but a short time limit", {}, { maxMemoryMb: 256, startLimitMs: 15_000, busyTimeoutMs: 500 }],
    ["a time limit of 5 s", { timeoutMs: 5000 }, { maxMemoryMb: 256, startLimitMs: 15_000, busyTimeoutMs: 2500 }],
    ["a time limit past 15 s", { timeoutMs: 60_000 }, { maxMemoryMb: 256, startLimitMs: 60_000, busyTimeoutMs: 5000 }],
    [
      "every limit given",
      { maxMemoryMb: 160, startLimitMs: 400, busyTimeoutMs: 50 },
      { maxMemoryMb: 160, startLimitMs: 400, busyTimeoutMs: 50 },
    ],
  ])("fills in the defaults, given %s", (_, options, limits) => {
    expect(executorLimits({ ...base, ...options })).toEqual(limits);
  });

  it.each([
    ["the default 5 s, under a long limit", 30_000, undefined, 5000],
    ["the default, held to half a 5 s limit", 5000, undefined, 2500],
    ["the default, held to half a 1 ms limit", 1, undefined, 0],
    ["a given wait, under half the limit", 10_000, 200, 200],
    ["a given wait as long as the limit, held to half", 4000, 4000, 2000],
    ["a given wait past the limit, held to half", 4000, 60_000, 2000],
  ])("waits for a lock %s", (_, timeoutMs, busyTimeoutMs, expected) => {
    expect(lockWaitMs(timeoutMs, busyTimeoutMs)).toBe(expected);
  });

  it.each([0, 1.5, -1])("refuses a start limit of %s ms", (startLimitMs) => {
    expect(() => executorLimits({ ...base, startLimitMs })).toThrow(RangeError);
  });

  it.each([100, 159, 200.5])("refuses a memory limit of %s MiB", (maxMemoryMb) => {
    expect(() => executorLimits({ ...base, maxMemoryMb })).toThrow(/maxMemoryMb/);
  });
});
