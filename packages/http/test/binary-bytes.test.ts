import { describe, expect, it } from "vitest";
import { binaryUnderTextType, textThroughout } from "../src/binary-bytes.js";

const latin1 = (text: string) => Buffer.from(text, "latin1");

describe("binaryUnderTextType", () => {
  it.each([
    ["plain text", latin1("hello\tworld\r\n\f\x1b[1mbold\x1b[0m"), "text/plain", false],
    ["a NUL", latin1("hello\x00world"), "text/plain", true],
    ["a NUL past the first 1445 bytes", latin1(`${"a".repeat(1445)}\x00`), "text/plain", false],
    ["one control byte in 200", latin1(`\x01${"a".repeat(199)}`), "text/html", false],
    ["control bytes 1 in 100", latin1(`\x01\x02${"a".repeat(198)}`), "text/html", true],
    ["UTF-16LE by BOM", Buffer.from("\ufeffhi", "utf16le"), "text/plain", false],
    ["UTF-16BE by BOM", Buffer.from([0xfe, 0xff, 0, 0x68]), "text/plain", false],
    ["UTF-16 by Content-Type", Buffer.from("hi", "utf16le"), "text/plain; charset=utf-16", false],
    ["UTF-16 bytes typed UTF-8", Buffer.from("hi", "utf16le"), "text/plain; charset=utf-8", true],
    ["an empty body", Buffer.alloc(0), "text/plain", false],
  ])("%s → %s", (_, body, type, binary) => {
    expect(binaryUnderTextType(body, type)).toBe(binary);
  });
});

describe("textThroughout", () => {
  it.each([
    ["JSON Lines", Buffer.from('{"a":1}\n{"a":"caf\u00e9"}\n'), "application/jsonl", false, true],
    ["a NUL far past the head", latin1(`${"a".repeat(5000)}\x00`), "application/pdf", false, false],
    [
      "an ASCII head, then bytes that are not UTF-8",
      latin1(`%PDF-1.4\n${"1 0 obj\n".repeat(300)}\xe2\xe3\xcf\xd3`),
      "application/pdf",
      false,
      false,
    ],
    ["control bytes 1 in 100", latin1(`\x01\x02${"a".repeat(198)}`), "application/x-thing", false, false],
    ["Latin-1 under a charset it names", latin1("caf\xe9"), "application/x-thing; charset=iso-8859-1", false, true],
    ["libmagic's charset=binary names none", latin1("caf\xe9"), "application/x-thing; charset=binary", false, false],
    ["a cut body ending inside a character", Buffer.from("caf\u00e9").subarray(0, 4), "application/jsonl", true, true],
    ["the same, whole, is not UTF-8", Buffer.from("caf\u00e9").subarray(0, 4), "application/jsonl", false, false],
  ])("%s", (_, body, type, cut, text) => {
    expect(textThroughout(body, type, cut)).toBe(text);
  });
});
