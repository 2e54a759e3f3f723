import { describe, expect, it } from "vitest";
import { mixedLineEnds, replacedLineEnds, withLineEnds } from "../src/line-ends.js";

describe("mixedLineEnds", () => {
  it.each([
    ["a\r\nb\nc", true],
    ["\na\r\n", true],
    ["a\r\nb\r\n", false],
    ["a\nb\n", false],
    ["a\rb\n", false],
    ["", false],
  ])("%j → %s", (text, mixed) => {
    expect(mixedLineEnds(text)).toBe(mixed);
  });
});

describe("replacedLineEnds", () => {
  // text, the replaced span's text (found once), its line ends
  it.each([
    ["a\nb\r\nc\n", "b", ["\r\n"]],
    ["a\nb\r\nc\n", "a\nb", ["\n", "\r\n"]],
    ["a\nb\r\nc\n", "a\n", ["\n"]], // ends at a line start: the next line is not touched
    ["a\nb\r\nc\n", "\r\nc", ["\r\n", "\n"]],
    ["a\r\nb\nc", "c", ["\n"]], // unterminated last line: the line before
    ["a\r\nb\nc", "b\nc", ["\n"]],
    ["abc", "b", []],
  ])("in %j, %j → %j", (text, span, ends) => {
    const start = text.indexOf(span);
    expect(replacedLineEnds(text, start, start + span.length)).toEqual(ends);
  });

  it("counts the CRLF of a span starting at its \\n", () => {
    expect(replacedLineEnds("a\r\nb\n", 2, 4)).toEqual(["\r\n", "\n"]);
  });
});

describe("withLineEnds", () => {
  it.each([
    ["x\ny\r\nz", ["\r\n"], false, "x\r\ny\r\nz"],
    ["x\ny\nz", ["\n", "\r\n"], false, "x\ny\r\nz"],
    ["x\r\ny", ["\n"], false, "x\ny"],
    ["\nx\ny", ["\r\n"], true, "\nx\r\ny"],
    ["x\ny", [], false, "x\ny"],
    ["x", ["\r\n"], false, "x"],
  ])("%j with %j (crBefore %s) → %j", (text, ends, crBefore, expected) => {
    expect(withLineEnds(text, ends, crBefore)).toBe(expected);
  });
});
