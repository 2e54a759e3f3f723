import { describe, expect, it } from "vitest";
import { styleDropped } from "../src/text-style.js";

const BOM = "\xef\xbb\xbf";

describe("styleDropped", () => {
  it.each([
    [
      "a\r\nb\r\n",
      "a\nb\n",
      "the file had CRLF line ends (this content has LF); write \\r\\n line ends to keep the file as it was",
    ],
    [`${BOM}x\n`, "x\n", "the file had a UTF-8 byte order mark; write a leading \\uFEFF to keep the file as it was"],
    [
      `${BOM}a\r\nb`,
      "a\nb",
      "the file had CRLF line ends (this content has LF) and a UTF-8 byte order mark; write \\r\\n line ends and a leading \\uFEFF to keep the file as it was",
    ],
  ])("%j replaced by %j: %s", (old, content, note) => {
    expect(styleDropped(Buffer.from(old, "latin1"), content)).toBe(note);
  });

  it.each([
    ["a\r\nb\r\n", "a\r\nb\r\n"], // kept
    ["a\r\nb\r\n", "one line"], // no line ends to judge
    ["a\r\nb\nc", "a\nb\nc"], // mixed endings: no single style to keep
    ["a\nb\n", "a\nb\n"],
    [`${BOM}x`, "\uFEFFx"],
    ["", "new\n"],
  ])("%j replaced by %j: nothing to say", (old, content) => {
    expect(styleDropped(Buffer.from(old, "latin1"), content)).toBeUndefined();
  });
});
