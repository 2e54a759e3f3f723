import { describe, expect, it } from "vitest";
import { firstInvalidUtf8 } from "../src/utf8.js";

const bytes = (hex: string) => Buffer.from(hex.replace(/ /g, ""), "hex");

describe("firstInvalidUtf8", () => {
  it.each([
    ["empty", ""],
    ["ASCII", "61 62 0a 63"],
    ["two-byte é", "63 61 66 c3 a9"],
    ["three-byte €", "e2 82 ac"],
    ["four-byte 😀", "f0 9f 98 80"],
    ["a byte-order mark", "ef bb bf 61"],
    ["the last code point U+10FFFF", "f4 8f bf bf"],
  ])("accepts %s", (_, hex) => {
    expect(firstInvalidUtf8(bytes(hex))).toBeUndefined();
  });

  it.each([
    ["Latin-1 é", "63 61 66 e9 20 6e 61", { offset: 3, byte: 0xe9, line: 1 }],
    ["a bad byte on line 3", "61 0a 62 0a 63 ff", { offset: 5, byte: 0xff, line: 3 }],
    ["a lone continuation byte", "61 80", { offset: 1, byte: 0x80, line: 1 }],
    ["an overlong '/'", "c0 af", { offset: 0, byte: 0xc0, line: 1 }],
    ["an overlong three-byte form", "e0 80 af", { offset: 0, byte: 0xe0, line: 1 }],
    ["a UTF-16 surrogate", "ed a0 80", { offset: 0, byte: 0xed, line: 1 }],
    ["a code point past U+10FFFF", "f4 90 80 80", { offset: 0, byte: 0xf4, line: 1 }],
    ["a sequence cut off by the end", "61 62 e2 82", { offset: 2, byte: 0xe2, line: 1 }],
    ["a sequence cut off by ASCII", "e2 82 41", { offset: 0, byte: 0xe2, line: 1 }],
    ["an overlong three-byte form after ASCII", "61 e0 80 af", { offset: 1, byte: 0xe0, line: 1 }],
  ])("finds %s", (_, hex, fault) => {
    expect(firstInvalidUtf8(bytes(hex))).toEqual(fault);
  });
});
