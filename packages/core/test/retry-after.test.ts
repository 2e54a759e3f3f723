import { describe, expect, it } from "vitest";
import { retryAfterMs } from "../src/retry-after.js";

const NOW = 1_000_000;

describe("retryAfterMs", () => {
  it.each<[string, number | undefined]>([
    ["5", 5000],
    [" 0 ", 0],
    ["1.5", 1500],
    [new Date(NOW + 2000).toUTCString(), 2000],
    [new Date(NOW - 5000).toUTCString(), 0],
    // Neither seconds nor an HTTP date, which starts with its day's name.
    ["-1", undefined],
    ["1e3", undefined],
    ["12 Dec", undefined],
    ["soon", undefined],
    ["", undefined],
  ])("%j asks for %j ms", (value, ms) => {
    expect(retryAfterMs(value, NOW)).toBe(ms);
  });
});
