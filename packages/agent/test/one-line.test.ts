// Server text (a 401's reason, a log line) on one line: cut short, with nothing a terminal would act on.
import { describe, expect, it } from "vitest";
import { oneLine } from "../src/one-line.js";

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
