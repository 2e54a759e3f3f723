import { describe, expect, it } from "vitest";
import { looksBinary, sizeOverLimit, windowNote } from "../src/text.js";

describe("windowNote", () => {
  it.each([
    [{ lines: ["a"], first: 1, last: 1, total: 1, cut: false }, false, ""],
    [
      { lines: ["a"], first: 1, last: 1, total: 9, cut: false },
      false,
      "[showing lines 1–1 of 9; call again with offset=2]",
    ],
    [{ lines: ["i"], first: 9, last: 9, total: 9, cut: false }, false, "[showing lines 9–9 of 9; end of file]"],
    [
      { lines: ["h", "i"], first: 8, last: 9, total: 9, cut: false },
      true,
      "[showing lines 8–9 of 9; earlier lines: offset=6]",
    ],
  ])("%j", (window, tail, note) => {
    expect(windowNote(window, 100, tail)).toBe(note);
  });

  it("says a total counted in part of a file is a lower bound, and where it was counted", () => {
    const window = { lines: ["a", "b"], first: 1, last: 2, total: 1234567, cut: false };
    expect(windowNote(window, 100, false, "", { bytes: 64 * 1024 ** 2, size: 20 * 1024 ** 3 })).toBe(
      "[showing lines 1–2 of at least 1234567 (counted in the first 64 MiB of 20 GiB); call again with offset=3]",
    );
  });
});

describe("content sniffing", () => {
  it("calls a NUL in the first 8000 bytes binary, and UTF-8 text not", () => {
    expect(looksBinary(Buffer.from("a\0b"))).toBe(true);
    expect(looksBinary(Buffer.from("日本語 text"))).toBe(false);
    expect(looksBinary(Buffer.concat([Buffer.alloc(8000, 97), Buffer.from([0])]))).toBe(false);
  });
});

describe("sizeOverLimit", () => {
  it.each([
    [1001, 1000, { size: "1001 B", limit: "1000 B" }],
    [2_000_000, 1_048_576, { size: "1.9 MiB", limit: "1.0 MiB" }],
    [10_485_761, 10_485_760, { size: "10,485,761 B", limit: "10,485,760 B" }],
    [1_048_577, 1_048_576, { size: "1,048,577 B", limit: "1,048,576 B" }],
  ])("%i over %i reads %j", (size, limit, expected) => {
    expect(sizeOverLimit(size, limit)).toEqual(expected);
  });
});
