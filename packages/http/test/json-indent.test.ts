import { describe, expect, it } from "vitest";
import { indentJson } from "../src/json-indent.js";

describe("indentJson", () => {
  it.each([
    ["a 64-bit id keeps every digit", '{"id":1234567890123456789}', '{\n  "id": 1234567890123456789\n}'],
    ["an out-of-range number stays as written", "[1e400,-1E-400]", "[\n  1e400,\n  -1E-400\n]"],
    ["negative zero and trailing zeros stay", "[-0,1.50,2e+0]", "[\n  -0,\n  1.50,\n  2e+0\n]"],
    ["duplicate keys are all kept", '{"a":1,"a":2}', '{\n  "a": 1,\n  "a": 2\n}'],
    [
      "escapes stay byte-exact",
      String.raw`{"s":"q\"b\\n\n\u00e9\/","k\"":"x"}`,
      String.raw`{
  "s": "q\"b\\n\n\u00e9\/",
  "k\"": "x"
}`,
    ],
    ["unicode and JSON punctuation inside strings", '{"é😀":"{[,:]} ,"}', '{\n  "é😀": "{[,:]} ,"\n}'],
    [
      "empty containers stay on one line",
      '{"o":{ },"a":[\n],"n":[{}]}',
      '{\n  "o": {},\n  "a": [],\n  "n": [\n    {}\n  ]\n}',
    ],
    [
      "whitespace-laden input is re-laid",
      ' \r\n{ "a" :\t[ true , false,null ] }\n ',
      '{\n  "a": [\n    true,\n    false,\n    null\n  ]\n}',
    ],
    ["a bare scalar", ' "x y" ', '"x y"'],
    ["a bare number", "12345678901234567890123", "12345678901234567890123"],
  ])("%s", (_name, input, expected) => {
    expect(indentJson(input)).toBe(expected);
  });

  it("lays out ordinary JSON exactly as JSON.stringify does", () => {
    const value = { a: [1, { b: "c", d: [] }, [[]]], e: {}, f: "g h", n: null, t: true, x: -1.5 };
    const compact = JSON.stringify(value);
    expect(indentJson(compact)).toBe(JSON.stringify(value, null, 2));
    expect(indentJson(compact, 4)).toBe(JSON.stringify(value, null, 4));
  });

  it("leaves JSON nested so deep that indenting would multiply its size as it is", () => {
    // 40 KB of brackets would indent to 800 million spaces, past what a string can hold.
    const deep = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
    expect(indentJson(deep)).toBeUndefined();
    // Ordinary depth in a large document is still laid out.
    const wide = JSON.stringify({ items: Array.from({ length: 5000 }, (_, id) => ({ id, tags: [{ n: id }] })) });
    expect(indentJson(wide)).toBe(JSON.stringify(JSON.parse(wide), null, 2));
  });

  it.each(["{not json", '{"a":1,}', "[1 2]", "", "NaN", '"unterminated'])("refuses %j", (input) => {
    expect(indentJson(input)).toBeUndefined();
  });
});
