// Server text (a 401's reason, a log line) on one line: cut short, with nothing a terminal would act on.
import { describe, expect, it } from "vitest";
import { oneLine, pageText } from "../src/one-line.js";

describe("oneLine", () => {
  it.each([
    ["plain", 20, "plain"],
    ["  line\r\nbreaks\tand   tabs ", 40, "line breaks and tabs"],
    ["\u001b[31mred\u001b[0m bell\u0007 bidi\u202e", 40, "[31mred[0m bell bidi"],
    ["abcdefghij", 10, "abcdefghij"],
    ["abcdefghijk", 10, "abcdefghi…"],
    ["abcd efghijk", 6, "abcd…"],
    // Never between the halves of a surrogate pair, which a terminal shows as U+FFFD.
    ["aaaaaaaa🎉🎉🎉", 10, "aaaaaaaa…"],
    ["aaaaaaaa🎉🎉🎉", 11, "aaaaaaaa🎉…"],
    ["aaaaaaaa🎉🎉🎉", 12, "aaaaaaaa🎉…"],
  ])("%j cut at %i is %j", (text, max, expected) => {
    expect(oneLine(text, max)).toBe(expected);
  });
});

describe("pageText", () => {
  it.each([
    [
      "<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>",
      80,
      "502 Bad Gateway nginx",
    ],
    ["<style>h1 { color: red }</style><script>alert(1)</script><p>Access\n denied</p>", 80, "Access denied"],
    ["plain text, no tags", 10, "plain tex…"],
    ["", 10, ""],
  ])("%j cut at %i is %j", (body, max, expected) => {
    expect(pageText(body, max)).toBe(expected);
  });
});
