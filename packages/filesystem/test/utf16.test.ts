import { describe, expect, it } from "vitest";
import { bomEncoding, decodeUtf16, encodeUtf16, looksUnmarkedUtf16, utf16Fault } from "../src/utf16.js";

const le = (text: string) => Buffer.from(`\uFEFF${text}`, "utf16le");
const be = (text: string) => le(text).swap16();

describe("bomEncoding", () => {
  it.each([
    ["FF FE: UTF-16LE", [0xff, 0xfe, 0x41, 0], "utf-16le"],
    ["FE FF: UTF-16BE", [0xfe, 0xff, 0, 0x41], "utf-16be"],
    ["a BOM only", [0xff, 0xfe], "utf-16le"],
    ["FF FE 00 00 is UTF-32LE's mark", [0xff, 0xfe, 0, 0], "utf-32le"],
    ["00 00 FE FF is UTF-32BE's", [0, 0, 0xfe, 0xff], "utf-32be"],
    ["FF FE then one NUL is UTF-16LE", [0xff, 0xfe, 0, 0x41], "utf-16le"],
    ["UTF-8's BOM", [0xef, 0xbb, 0xbf, 0x41], undefined],
    ["unmarked UTF-16LE", [0x41, 0, 0x42, 0], undefined],
    ["one byte", [0xff], undefined],
    ["nothing", [], undefined],
  ])("%s", (_, bytes, expected) => {
    expect(bomEncoding(Buffer.from(bytes))).toBe(expected);
  });
});

describe("decodeUtf16 / encodeUtf16", () => {
  it.each([
    ["ASCII with CRLF", "a\r\nb\r\n"],
    ["accents, CJK and an emoji (a surrogate pair)", "é日😀\n"],
    ["a leading U+FEFF after the BOM", "\uFEFFzero-width no-break space"],
    ["nothing", ""],
  ])("round-trips %s, both byte orders", (_, text) => {
    for (const [encoding, bytes] of [
      ["utf-16le", le(text)],
      ["utf-16be", be(text)],
    ] as const) {
      expect(decodeUtf16(bytes, encoding)).toBe(text);
      expect(encodeUtf16(decodeUtf16(bytes, encoding), encoding).equals(bytes)).toBe(true);
    }
  });

  it("writes the BOM before the text", () => {
    expect(encodeUtf16("A", "utf-16be")).toEqual(Buffer.from([0xfe, 0xff, 0, 0x41]));
    expect(encodeUtf16("A", "utf-16le")).toEqual(Buffer.from([0xff, 0xfe, 0x41, 0]));
  });

  it("decodes an odd last byte and a lone surrogate as U+FFFD", () => {
    expect(decodeUtf16(Buffer.concat([le("ab"), Buffer.from([0x63])]), "utf-16le")).toBe("ab\uFFFD");
    expect(decodeUtf16(Buffer.from([0xff, 0xfe, 0x00, 0xd8, 0x41, 0x00]), "utf-16le")).toBe("\uFFFDA");
  });
});

describe("utf16Fault", () => {
  it.each([
    ["clean text", le("a😀b"), undefined],
    ["a BOM only", le(""), undefined],
    ["an odd last byte", Buffer.concat([le("ab"), Buffer.from([0x63])]), "an odd last byte (0x63 at byte offset 6)"],
    [
      "a lone high surrogate",
      Buffer.from([0xff, 0xfe, 0x3d, 0xd8, 0x41, 0]),
      "a lone surrogate 0xd83d at byte offset 2",
    ],
    [
      "a high surrogate last",
      Buffer.from([0xff, 0xfe, 0x41, 0, 0x3d, 0xd8]),
      "a lone surrogate 0xd83d at byte offset 4",
    ],
    [
      "a lone low surrogate",
      Buffer.from([0xfe, 0xff, 0, 0x41, 0xde, 0x00]),
      "a lone surrogate 0xde00 at byte offset 4",
    ],
  ])("%s", (_, bytes, expected) => {
    const encoding = bytes[0] === 0xff ? "utf-16le" : "utf-16be";
    expect(utf16Fault(bytes, encoding)).toBe(expected);
  });
});

describe("looksUnmarkedUtf16", () => {
  it.each([
    ["unmarked UTF-16LE text", Buffer.from("no byte order mark here\r\n", "utf16le"), true],
    ["unmarked UTF-16BE text", Buffer.from("no byte order mark here\r\n", "utf16le").swap16(), true],
    ["a binary with scattered NULs", Buffer.from([1, 2, 0, 3, 4, 0, 0, 0, 9, 9, 9, 9]), false],
    ["all NULs", Buffer.alloc(64), false],
    ["too short to tell", Buffer.from([0x41, 0]), false],
  ])("%s", (_, bytes, expected) => {
    expect(looksUnmarkedUtf16(bytes)).toBe(expected);
  });
});
