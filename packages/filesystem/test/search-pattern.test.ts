import { describe, expect, it } from "vitest";
import { compileContentMatcher, RegexTimeoutError } from "../src/search-pattern.js";

describe("compileContentMatcher", () => {
  it.each([
    ["TODO", "a TODO here", true],
    ["TODO", "a todo here", false],
    ["a.b", "axb", false], // plain text is literal
    ["a.b", "a.b", true],
    ["/a.b/", "axb", true],
    ["/^todo/i", "TODO: x", true],
    ["/^todo/i", "x TODO", false],
    ["/x/", "x".repeat(10_000), true],
    ["/y$/", `${"x".repeat(10_000)}y`, false], // regexes see the first 4096 characters of a line
    ["/usr/bin", "see /usr/bin/env", true], // "bin" is not a set of flags: plain text
    ["/x/g", "a /x/g b", true], // g is not offered (a global regex keeps state between lines)
  ])("%j on %j: %s", (content, line, expected) => {
    const matcher = compileContentMatcher(content);
    expect(matcher.ok && matcher.match(line)).toBe(expected);
  });

  it.each([
    ["", /empty/],
    ["/(/", /invalid regex/],
    ["/(a+)+$/", /nested quantifiers/],
    ["/(x*)*y/", /nested quantifiers/],
    ["/(a|b+){2,}/", /nested quantifiers/],
  ])("refuses %j", (content, reason) => {
    const matcher = compileContentMatcher(content);
    expect(matcher.ok).toBe(false);
    expect(matcher.ok ? "" : matcher.reason).toMatch(reason);
  });

  it.each([
    ["TODO", "a TODO\nb\nTODO\n", [1, 3]],
    ["/^$/", "a\n\nb\n", [2]],
    ["/^$/", "", []],
    ["/b/", "a\nb", [2]],
    ["x", "x\r\nx", [1, 2]],
  ])("lines(%j) in %j: %j", (content, text, expected) => {
    const matcher = compileContentMatcher(content);
    expect(matcher.ok && matcher.lines(text)).toEqual(expected);
  });

  it("stops a regex that backtracks past the time limit", () => {
    const matcher = compileContentMatcher("/(a|a)*$/");
    expect(matcher.ok).toBe(true);
    if (matcher.ok) expect(() => matcher.lines(`${"a".repeat(40)}b`)).toThrow(RegexTimeoutError);
  });
});
