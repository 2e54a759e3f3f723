import { describe, expect, it } from "vitest";
import { spacingTwin } from "../src/spacing-twin.js";

const code = "function a() {\n\treturn 1;   \n}\nconst  b = 2;\r\n";

describe("spacingTwin", () => {
  it.each([
    // spaces typed for the file's tab
    ["  return 1;", { lines: [2], differs: { line: 2, text: '"\\treturn 1;   "', unseen: false } }],
    // several lines: the first that differs is named, the trailing spaces shown
    [
      "function a() {\n    return 1;\n}",
      { lines: [1], differs: { line: 2, text: '"\\treturn 1;   "', unseen: false } },
    ],
    ["return 1;\n}", { lines: [2], differs: { line: 2, text: '"\\treturn 1;   "', unseen: false } }],
    // one space where the file has two, on a CRLF line (the \r is not shown)
    ["const b = 2;", { lines: [4], differs: { line: 4, text: '"const  b = 2;"', unseen: false } }],
    // a leading or trailing blank line of oldText does not hide where it is
    ["\n  return 1;\n", { lines: [2], differs: { line: 2, text: '"\\treturn 1;   "', unseen: false } }],
  ])("finds %j in the file by its words", (oldText, expected) => {
    expect(spacingTwin(code, oldText)).toEqual(expected);
  });

  it.each([
    // a no-break space, as pasted from a web page, where a space was typed
    ["Price: 100 EUR", "Price:\u00a0100 EUR\n", '"Price:\\u00a0100 EUR"'],
    // a zero-width space inside a word, typed without it
    ["functionfoo() {}", "function\u200bfoo() {}\n", '"function\\u200bfoo() {}"'],
    // a soft hyphen and an ideographic space
    [
      "hyphenation and 全角 space",
      "hyph\u00adenation and 全角\u3000space\n",
      '"hyph\\u00adenation and 全角\\u3000space"',
    ],
  ])(
    "finds %j where the file has spaces other than U+0020 or invisible characters, and escapes them",
    (oldText, text, shown) => {
      expect(spacingTwin(text, oldText)).toEqual({ lines: [1], differs: { line: 1, text: shown, unseen: true } });
    },
  );

  it("finds text typed with a no-break space where the file has a plain one, with nothing to escape", () => {
    expect(spacingTwin("a b\n", "a\u00a0b")).toEqual({
      lines: [1],
      differs: { line: 1, text: '"a b"', unseen: false },
    });
  });

  it.each([
    ["return 2;"], // other words
    ["returns 1;"],
    ["   \n\t"], // only whitespace
    ["return1;"], // spacing removed inside a line is a different text, not a twin
  ])("finds no twin of %j", (oldText) => {
    expect(spacingTwin(code, oldText)).toBeUndefined();
  });

  it("names each line once and at most three, and cuts a long line", () => {
    const text = `${"\tx  y ".repeat(3)}\n\tx y\n\tx y\n\tx y\n${"\tz".repeat(100)}\n`;
    expect(spacingTwin(text, "x y")?.lines).toEqual([1, 2, 3]);
    expect(spacingTwin(text, " z z")?.differs.text).toMatch(/^"(\\tz){60}…"$/);
  });

  it("escapes a bidi override or C1 control in the line it shows, so the file's text cannot reorder the message", () => {
    const twin = spacingTwin("\tlet a = 1; // \u202Eevil\u0085\n", "  let a = 1; // \u202Eevil\u0085");
    expect(twin?.differs.text).toBe('"\\tlet a = 1; // \\u202eevil\\u0085"');
  });
});
