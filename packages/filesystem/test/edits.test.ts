import { describe, expect, it } from "vitest";
import { applyEdits, lineOf } from "../src/edits.js";

describe("applyEdits", () => {
  it.each([
    ["a b c", [{ oldText: "b", newText: "B" }], "a B c"],
    ["one\ntwo\n", [{ oldText: "one\n", newText: "" }], "two\n"],
    // each edit sees the previous one's result
    [
      "x",
      [
        { oldText: "x", newText: "yy" },
        { oldText: "yy", newText: "z" },
      ],
      "z",
    ],
    // CRLF file, LF edit: matched and written as CRLF
    ["a\r\nb\r\n", [{ oldText: "a\nb", newText: "A\nB\nC" }], "A\r\nB\r\nC\r\n"],
    // every line CRLF: a new line in newText is CRLF too, whatever oldText holds
    ["a\r\nb\r\nc\r\n", [{ oldText: "b", newText: "b\nnew" }], "a\r\nb\r\nnew\r\nc\r\n"],
    ["a\r\nb", [{ oldText: "b", newText: "b\r\nc\nd" }], "a\r\nb\r\nc\r\nd"],
    // an oldText starting with "\n" takes the line's \r with it: no "\r\r\n" is left
    ["a();\r\nfoo();\r\n", [{ oldText: "\nfoo();", newText: "\nbar();\nfoo();" }], "a();\r\nbar();\r\nfoo();\r\n"],
    ["a\r\nb\r\nc", [{ oldText: "\nb", newText: "" }], "a\r\nc"],
    // mixed endings: each new line ends as the line it replaces, whatever newText holds
    ["a\r\nb\nc", [{ oldText: "b", newText: "b\nx" }], "a\r\nb\nx\nc"],
    ["a\nb\r\nc\n", [{ oldText: "b", newText: "b\nx" }], "a\nb\r\nx\r\nc\n"],
    ["a\nb\r\nc\n", [{ oldText: "b", newText: "b\r\nx" }], "a\nb\r\nx\r\nc\n"],
    ["a\r\nb\nc\n", [{ oldText: "b", newText: "b\r\nx" }], "a\r\nb\nx\nc\n"],
    // replaced lines keep their ends in order; added ones end as the last replaced
    ["a\nb\nc\r\nd\r\n", [{ oldText: "b\nc", newText: "B\nC\nC2" }], "a\nB\nC\r\nC2\r\nd\r\n"],
    // LF oldText found as CRLF in a mixed file: its newText is CRLF
    ["a\nb\r\nc\r\n", [{ oldText: "b\nc", newText: "x\ny\nz" }], "a\nx\r\ny\r\nz\r\n"],
    // an unterminated last line: its neighbour's end
    ["a\nb\r\nc", [{ oldText: "c", newText: "c\nd" }], "a\nb\r\nc\r\nd"],
    // an oldText starting with the "\n" of a CRLF: no "\r\r\n" is left
    ["a\nb\r\nc\r\n", [{ oldText: "\nc", newText: "\nx\nc" }], "a\nb\r\nx\r\nc\r\n"],
    // an LF file: newText is written as given
    ["a\nb", [{ oldText: "b", newText: "b\r\nx" }], "a\nb\r\nx"],
    // special replacement patterns are literal, unlike String.replace
    ["cost", [{ oldText: "cost", newText: "$& $1 $$" }], "$& $1 $$"],
  ])("%j with %j → %j", (text, edits, expected) => {
    expect(applyEdits(text, edits)).toEqual({ ok: true, text: expected });
  });

  it.each([
    ["aXa", [{ oldText: "a", newText: "b" }], "edit: ambiguous: 2 matches at line 1;"],
    ["aa\nb\na", [{ oldText: "a", newText: "b" }], "edit: ambiguous: 3 matches at lines 1 and 3;"],
    ["x\ny\nx", [{ oldText: "x", newText: "b" }], "edit: ambiguous: 2 matches at lines 1 and 3"],
    ["aaa", [{ oldText: "aa", newText: "b" }], "edit: ambiguous: 2 matches"], // overlapping matches count
    ["abc", [{ oldText: "zzz", newText: "b" }], "edit: oldText not found"],
    [
      "un cafe\u0301 noir",
      [{ oldText: "caf\u00e9", newText: "th\u00e9" }],
      "edit: oldText not found; the file has it with its accented letters in another Unicode form (NFC/NFD)",
    ],
    [
      "if (x) {\n\treturn 1;\n}",
      [{ oldText: "if (x) {\n    return 1;", newText: "" }],
      'edit: oldText not found; with spaces and tabs ignored it matches at line 1, where line 2 reads "\\treturn 1;" (as JSON): copy its whitespace exactly',
    ],
    [
      "Price:\u00a0100 EUR",
      [{ oldText: "Price: 100 EUR", newText: "" }],
      'edit: oldText not found; with spaces, tabs and invisible characters ignored it matches at line 1, which reads "Price:\\u00a0100 EUR" (as JSON; each \\u escape is a no-break space or other character read_file shows as a space or as nothing): copy it exactly, escapes included',
    ],
    [
      "",
      [{ oldText: "a", newText: "b" }],
      "edit: no oldText can match: the file is empty; write_file gives it content",
    ],
    [
      "abc",
      [
        { oldText: "abc", newText: "" },
        { oldText: "a", newText: "b" },
      ],
      "edit 2: no oldText can match: the earlier edits leave the text empty",
    ],
    ["abc", [{ oldText: "", newText: "b" }], "edit: oldText is empty"],
    [
      "abc",
      [
        { oldText: "a", newText: "z" },
        { oldText: "a", newText: "q" },
      ],
      "edit 2: oldText not found (in the text after the earlier edits)",
    ],
  ])("refuses %j with %j", (text, edits, reason) => {
    const result = applyEdits(text, edits);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.reason).toContain(reason);
  });

  it("names at most ten lines of a very ambiguous match", () => {
    const result = applyEdits("x\n".repeat(50), [{ oldText: "x", newText: "y" }]);
    expect(result.ok ? "" : result.reason).toMatch(/50 matches at lines 1, 2, .* and 10 and 40 more/);
  });

  it("names a long line once, however many matches it holds", () => {
    const result = applyEdits(`${"zzzz".repeat(2000)}\n`, [{ oldText: "zzzz", newText: "y" }]);
    expect(result.ok ? "" : result.reason).toBe(
      "edit: ambiguous: at least 1000 matches at line 1; add surrounding text so oldText matches once",
    );
  });

  it("says when the match count is only a lower bound", () => {
    const result = applyEdits("x\n".repeat(5000), [{ oldText: "x", newText: "y" }]);
    expect(result.ok ? "" : result.reason).toMatch(
      /ambiguous: at least 1000 matches at lines 1, .* and at least 990 more/,
    );
  });
});

describe("lineOf", () => {
  it.each([
    [0, 1],
    [1, 1],
    [2, 2],
    [4, 3],
  ])("offset %i is on line %i of 'a\\nb\\nc'", (offset, line) => {
    expect(lineOf("a\nb\nc", offset)).toBe(line);
  });
});
