import { describe, expect, it } from "vitest";
import { groupBody, skipClass, skipEscape, skipGroup, splitAlternatives } from "../src/regex-source.js";

describe("splitAlternatives", () => {
  it.each([
    ["abc", ["abc"]],
    ["a|b|c", ["a", "b", "c"]],
    ["|a|", ["", "a", ""]],
    ["(a|b)|c", ["(a|b)", "c"]],
    ["[|]|x", ["[|]", "x"]],
    ["a\\|b|c", ["a\\|b", "c"]],
    ["(?:x[)|]y)|z", ["(?:x[)|]y)", "z"]],
  ])("%j splits into %j", (source, branches) => {
    expect(splitAlternatives(source)).toEqual(branches);
  });

  it.each(["(a|b", "[ab|c", "a|(b[)"])("%j is not closed, so none are claimed", (source) => {
    expect(splitAlternatives(source)).toBeUndefined();
  });
});

describe("skipGroup", () => {
  it.each([
    ["(a)b", 0, 3],
    ["x(a(b)c)d", 1, 8],
    ["(a\\)b)c", 0, 6],
    ["(a[)]b)c", 0, 7],
    ["(a", 0, -1],
    ["(a[)b", 0, -1],
  ])("in %j from %i ends at %i", (source, start, end) => {
    expect(skipGroup(source, start)).toBe(end);
  });
});

describe("skipClass", () => {
  it.each([
    ["[ab]c", 0, 4],
    ["[]a", 0, 2],
    ["[^]a", 0, 3],
    ["[a\\]b]c", 0, 6],
    ["[ab", 0, -1],
  ])("in %j from %i ends at %i", (source, start, end) => {
    expect(skipClass(source, start)).toBe(end);
  });
});

describe("skipEscape", () => {
  it.each([
    ["\\d+", 2],
    ["\\.x", 2],
    ["\\x41-", 4],
    // Letters after a payload are over-skipped: a shorter literal, never a wrong one.
    ["\\x41z", 5],
    ["\\u{1F600}z", 9],
    ["\\p{L}z", 5],
    ["\\k<name>z", 8],
    ["\\12-", 3],
    // An identity \k: the class after it is pattern, not a payload.
    ["\\k<[>abc]", 2],
  ])("%j: the escape ends at %i", (source, end) => {
    expect(skipEscape(source, 0)).toBe(end);
  });
});

describe("groupBody", () => {
  it.each([
    ["(ab)", "ab"],
    ["(?:ab)", "ab"],
    ["(?<word>ab)", "ab"],
    ["(?=ab)", undefined],
    ["(?!ab)", undefined],
    ["(?<=ab)", undefined],
    ["(?<!ab)", undefined],
  ])("%j holds %j", (group, body) => {
    expect(groupBody(group)).toBe(body);
  });
});
