import { describe, expect, it } from "vitest";
import { hitText, quotedName, shownLine, shownName } from "../src/shown-name.js";

describe("shownName", () => {
  it.each([
    ["plain", "notes.txt", "notes.txt"],
    ["spaces", "my notes.txt", "my notes.txt"],
    ["non-ASCII letters and emoji", "café 😀.md", "café 😀.md"],
    ["a backslash, with nothing to escape", "a\\nb", "a\\nb"],
    ["a quote inside", 'say "hi"', 'say "hi"'],
    ["U+FFFD from bytes that are not UTF-8", "caf\uFFFD", "caf\uFFFD"],
    ["a newline", "evil\nname.txt", '"evil\\nname.txt"'],
    ["a newline faking an entry", "a.txt\n[FILE] fake.txt", '"a.txt\\n[FILE] fake.txt"'],
    ["a carriage return", "a\rb", '"a\\rb"'],
    ["a tab", "a\tb", '"a\\tb"'],
    ["a bell", "bell\u0007", '"bell\\u0007"'],
    ["an escape sequence", "\u001b[31mred", '"\\u001b[31mred"'],
    ["DEL", "a\u007f", '"a\\u007f"'],
    ["a C1 control", "a\u0085b", '"a\\u0085b"'],
    ["a line separator", "a\u2028b", '"a\\u2028b"'],
    ["a right-to-left override", "txt.\u202eexe", '"txt.\\u202eexe"'],
    ["a quote and backslash beside a control", 'a"\\\n', '"a\\"\\\\\\n"'],
    ["a name that starts with a quote", '"evil\\nname.txt"', '"\\"evil\\\\nname.txt\\""'],
  ])("%s", (_, name, shown) => {
    expect(shownName(name)).toBe(shown);
  });

  it.each(["evil\nname.txt", "bell\u0007", '"quoted"', "a\u0085\u2028b\\"])(
    "shows %j on one line, as JSON that reads back to the name",
    (name) => {
      const shown = shownName(name);
      expect(shown).not.toMatch(/[\n\r\u2028\u2029]/);
      expect(JSON.parse(shown)).toBe(name);
    },
  );
});

describe("quotedName", () => {
  it.each([
    ["a plain name, in quotes", "notes/a.txt", '"notes/a.txt"'],
    ["a quote inside, escaped", 'a"b', '"a\\"b"'],
    ["a newline and a right-to-left override, escaped", "odd\n\u202ename.txt", '"odd\\n\\u202ename.txt"'],
    ["a name that starts with a quote, once", '"x', '"\\"x"'],
  ])("%s", (_, name, shown) => {
    expect(quotedName(name)).toBe(shown);
    expect(JSON.parse(quotedName(name))).toBe(name);
  });
});

describe("hitText", () => {
  it.each([
    ["trims", "  const a = 1;\r", 20, "const a = 1;"],
    ["cuts at max, marking the cut", "abcdef", 4, "abcd…"],
    ["never splits a surrogate pair", "abc😀def", 4, "abc…"],
    ["keeps a pair that fits", "abc😀def", 5, "abc😀…"],
  ])("%s", (_, line, max, text) => {
    expect(hitText(line, max)).toBe(text);
  });

  it.each([
    // [line, max, where the match starts, shown]: the match a quarter of the way into what is shown
    ["0123456789abcdefghij", 8, 10, "…89abcdef…"],
    ["0123456789abcdefghij", 8, 1, "01234567…"],
    ["0123456789abcdefghij", 8, 19, "…cdefghij"],
    ["    0123456789abcdefghij", 8, 14, "…89abcdef…"],
    ["0123456789😀bcdefghij", 8, 10, "…89😀bcde…"],
    // a start inside the pair moves past it, never showing half
    ["0123456789😀bcdefghij", 8, 13, "…bcdefghi…"],
  ])("shows %j (max %i) around the match at %i", (line, max, at, text) => {
    expect(hitText(line, max, at)).toBe(text);
  });
});

describe("shownLine", () => {
  it.each([
    ["plain text", "const a = 1;", "const a = 1;"],
    ["tabs and non-ASCII", "a\tcafé 😀", "a\tcafé 😀"],
    ["an escape sequence", "\u001b[31mred", "\\u001b[31mred"],
    ["a carriage return faking a hit", "x\rb.txt:1: y", "x\\u000db.txt:1: y"],
    ["a line separator", "a\u2028b", "a\\u2028b"],
    ["a bidi override", "a\u202eb", "a\\u202eb"],
    ["quotes and backslashes as they are", 'a"\\b', 'a"\\b'],
  ])("%s", (_, text, shown) => {
    expect(shownLine(text)).toBe(shown);
  });
});
