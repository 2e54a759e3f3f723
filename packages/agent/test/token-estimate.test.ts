import { describe, expect, it } from "vitest";
import { estimateTokens, prefixWithin } from "../src/token-estimate.js";

describe("estimateTokens", () => {
  it.each<[string, string, number]>([
    ["nothing", "", 0],
    ["ASCII, 4 characters a token", "abcd", 1],
    ["ASCII, a part token rounds up", "abcde", 2],
    ["code and JSON", '{"rows":[1,2,3]}', 4],
    // 3 bytes of UTF-8 each, about a token each: bytes / 4 would say 23 for these 30.
    ["CJK, a token a character", "漢字".repeat(15), 30],
    ["Japanese kana", "ひらがなカタカナ", 8],
    ["Cyrillic, 2 bytes each", "привет", 6],
    ["an emoji, one surrogate pair, counts once", "😀", 1],
    ["mixed: ASCII and CJK add up", "abcd漢字", 3],
    ["accented Latin in English", "café au lait", 4],
  ])("%s: %j → %d", (_name, text, tokens) => {
    expect(estimateTokens(text)).toBe(tokens);
  });
});

describe("prefixWithin", () => {
  it.each<[string, string, number, number]>([
    ["all of a short text", "abc", 10, 3],
    ["ASCII at 4 characters a token", "a".repeat(100), 10, 40],
    ["CJK at a character a token", "漢".repeat(100), 10, 10],
    ["ASCII then CJK", `${"a".repeat(8)}${"漢".repeat(100)}`, 5, 11],
    ["never inside a surrogate pair", "a😀", 1, 1],
    ["a whole pair when it fits", `${"a".repeat(4)}😀😀`, 2, 6],
    ["nothing for a budget of 0", "漢字", 0, 0],
  ])("%s", (_name, text, tokens, length) => {
    const end = prefixWithin(text, tokens);
    expect(end).toBe(length);
    expect(estimateTokens(text.slice(0, end))).toBeLessThanOrEqual(tokens);
  });
});
