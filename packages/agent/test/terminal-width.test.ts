import { describe, expect, it } from "vitest";
import { columnsOf, fitColumns } from "../src/terminal-width.js";

describe("columnsOf", () => {
  it.each([
    ["ascii", "abc", 3],
    ["CJK: two columns each", "漢字", 4],
    ["Hangul and fullwidth", "한Ａ", 4],
    ["an emoji", "ok 🎉", 5],
    ["a combining accent takes none", "e\u0301", 1],
    ["a zero-width joiner takes none", "a\u200db", 2],
    ["empty", "", 0],
  ])("%s", (_case, text, columns) => {
    expect(columnsOf(text)).toBe(columns);
  });
});

describe("fitColumns", () => {
  it.each([
    ["fits: unchanged", "abcdef", 6, "abcdef"],
    ["cut with an ellipsis", "abcdefgh", 6, "abcde…"],
    ["a wide character is not split", "ab漢字", 5, "ab漢…"],
    ["a wide character that would straddle the edge goes", "a漢字", 4, "a漢…"],
    ["one column: just the ellipsis", "abc", 1, "…"],
    ["no room", "abc", 0, ""],
  ])("%s", (_case, text, columns, fitted) => {
    expect(fitColumns(text, columns)).toBe(fitted);
    expect(columnsOf(fitted)).toBeLessThanOrEqual(columns);
  });
});
