import { describe, expect, it } from "vitest";
import { cutIndex } from "../src/cut-index.js";

describe("cutIndex", () => {
  it.each([
    ["abcdef", 3, 3],
    ["ab😀cd", 3, 2],
    ["ab😀cd", 4, 4],
    ["ab😀cd", 2, 2],
    ["😀", 1, 0],
    ["abc", 10, 10],
    ["", 0, 0],
  ])("cuts %j at %i units: %i", (text, max, end) => {
    expect(cutIndex(text, max)).toBe(end);
    expect(text.slice(0, cutIndex(text, max))).not.toMatch(/[\uD800-\uDBFF]$/);
  });
});
