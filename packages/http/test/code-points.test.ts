import { describe, expect, it } from "vitest";
import { codePointCount, unitOffset } from "../src/code-points.js";

describe("codePointCount", () => {
  it.each<[string, number]>([
    ["", 0],
    ["plain ASCII", 11],
    ["Élève à l'école", 15],
    ["Größe", 5],
    ["日本語", 3],
    ["😀🎉", 2],
    ["a😀b", 3],
    ["𠀀", 1],
    // Decomposed: e and its combining acute are two code points.
    ["e\u0301", 2],
    // A lone half (JSON's "\ud800") is one.
    ["a\uD800b", 3],
    ["\uDC00\uD83D", 2],
  ])("%j holds %d", (text, count) => {
    expect(codePointCount(text)).toBe(count);
  });
});

describe("unitOffset", () => {
  it.each<[string, number, number]>([
    ["abc", 0, 0],
    ["abc", 2, 2],
    ["abc", 9, 3],
    ["Größe", 3, 3],
    ["😀🎉x", 1, 2],
    ["😀🎉x", 2, 4],
    ["😀🎉x", 3, 5],
    ["😀🎉x", 4, 5],
    ["a\uD800b", 2, 2],
  ])("%j: code point %d starts at unit %d", (text, index, unit) => {
    expect(unitOffset(text, index)).toBe(unit);
  });
});
