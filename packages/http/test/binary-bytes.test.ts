import { describe, expect, it } from "vitest";
import { binaryUnderTextType } from "../src/binary-bytes.js";

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
