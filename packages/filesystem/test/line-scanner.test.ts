import { describe, expect, it } from "vitest";
import { LineScanner } from "../src/line-scanner.js";
import type { LineMode } from "../src/line-window.js";
import { windowNote } from "../src/text.js";

/** Feed `text` to a scanner in chunks of `size` bytes, the way a large file is streamed. */
function scan(text: string, mode: LineMode, budget: number, size: number) {
  const scanner = new LineScanner(mode, budget);
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) scanner.push(bytes.subarray(i, i + size));
  return scanner.end();
}

const TEXT = ["alpha", "", "γάμμα 日本", "delta\r", "epsilon", "z".repeat(50)].join("\n");
const LINES = TEXT.split("\n");

describe("LineScanner", () => {
  it.each([1, 2, 3, 7, 64, 4096])("gives the same lines whatever the chunk size (%i bytes)", (size) => {
    expect(scan(TEXT, { kind: "range", start: 1, count: 100 }, 10_000, size)).toEqual({
      lines: LINES,
      first: 1,
      last: 6,
      total: 6,
      cut: false,
    });
    expect(scan(`${TEXT}\n`, { kind: "range", start: 3, count: 2 }, 10_000, size)).toMatchObject({
      lines: LINES.slice(2, 4),
      first: 3,
      last: 4,
      total: 6,
    });
    expect(scan(TEXT, { kind: "tail", count: 2 }, 10_000, size)).toMatchObject({ lines: LINES.slice(4), first: 5 });
  });

  it("stops at the byte budget and says it was cut", () => {
    const window = scan(TEXT, { kind: "range", start: 1, count: 100 }, 20, 5);
    expect(window).toMatchObject({ lines: ["alpha", ""], first: 1, last: 2, total: 6, cut: true });
  });

  it("keeps only the tail lines that fit the budget", () => {
    const window = scan(TEXT, { kind: "tail", count: 5 }, 55, 3);
    expect(window).toMatchObject({ lines: [LINES[5]], first: 6, last: 6, cut: true });
  });

  it("shows the start of one line too long for the budget, cut on a character boundary", () => {
    const window = scan(`${"日".repeat(100)}\nnext`, { kind: "range", start: 1, count: 5 }, 11, 4);
    expect(window.longLine).toBe(300);
    expect(window.lines).toEqual(["日日日"]);
    expect(windowNote(window, 11)).toBe(
      "[line 1 is 300 bytes, over the 11-byte cap: showing bytes 1–9; rest of the line: offset=1 skip_bytes=9; next line: offset=2]",
    );
  });

  it.each([1, 3, 5, 64, 4096])("pages through a long line by skip_bytes, in chunks of %i bytes", (size) => {
    const long = `ab${"日本語".repeat(40)}z`;
    const text = `first\n${long}\nlast\n`;
    const pieces: string[] = [];
    let skip = 0;
    for (let page = 0; page < 100; page++) {
      const window = scan(text, { kind: "range", start: 2, count: 1, skip }, 17, size);
      pieces.push(window.lines[0] ?? "");
      if (window.longLine === undefined) break;
      expect(window.longLine).toBe(Buffer.byteLength(long));
      expect(window.nextByte).toBeGreaterThan(skip);
      skip = window.nextByte as number;
    }
    expect(pieces.join("")).toBe(long);
  });

  it.each([1, 3, 64, 4096])(
    "pages through a long line that is not UTF-8 by skip_bytes, losing no byte (%i)",
    (size) => {
      // Latin-1: each byte over 0x7f is shown as U+FFFD, three bytes, and ° (0xb0) looks like a UTF-8 continuation byte.
      const long = Buffer.from(`caf${"\u00e9 \u00b0\u00b0\u00b0\u00b0\u00b0 na\u00efve ".repeat(20)}end`, "latin1");
      const bytes = Buffer.concat([Buffer.from("first\n"), long, Buffer.from("\nlast\n")]);
      let skip = 0;
      let pages = 0;
      for (; pages < 200; pages++) {
        const scanner = new LineScanner({ kind: "range", start: 2, count: 1, skip }, 17);
        for (let i = 0; i < bytes.length; i += size) scanner.push(bytes.subarray(i, i + size));
        const window = scanner.end();
        // Each page starts where the one before it ended, and shows those bytes, within the budget.
        expect(window.from ?? 0).toBe(skip);
        const end = window.nextByte ?? long.length;
        expect(window.lines[0]).toBe(long.subarray(skip, end).toString("utf8"));
        if (window.longLine === undefined) break;
        expect(Buffer.byteLength(window.lines[0] ?? "")).toBeLessThan(17);
        expect(end).toBeGreaterThan(skip);
        skip = end;
      }
      expect(pages).toBeLessThan(200);
    },
  );

  it("pages through a long line of bytes that look like UTF-8 continuations, not back to its start", () => {
    const long = Buffer.alloc(100, 0xb0);
    const scanner = new LineScanner({ kind: "range", start: 1, count: 1, skip: 50 }, 200);
    scanner.push(Buffer.concat([long, Buffer.from("\n")]));
    expect(scanner.end().from).toBe(50);
  });

  it.each([
    [1, 1, "ab日本"],
    [3, 3, "日本"],
    [4, 3, "日本"],
    [5, 3, "日本"],
    [6, 6, "本"],
    [8, 6, "本"],
  ])("moves skip_bytes=%i back to the start of its character (%i)", (skip, from, shown) => {
    for (const size of [1, 2, 4, 100]) {
      const window = scan("xab日本\nnext", { kind: "range", start: 1, count: 1, skip }, 100, size);
      expect(window).toMatchObject({ lines: [shown], from, firstLength: 9 });
    }
  });

  it("says how far into its first line a window starts, and a skip past the line's end leaves none of it", () => {
    const window = scan("0123456789\nnext", { kind: "range", start: 1, count: 5, skip: 4 }, 100, 3);
    expect(window).toMatchObject({ lines: ["456789", "next"], from: 4, firstLength: 10, total: 2 });
    expect(windowNote(window, 100)).toBe("[showing lines 1–2 (line 1 from its byte 5 of 10) of 2; end of file]");
    expect(scan("0123456789\nnext", { kind: "range", start: 1, count: 1, skip: 99 }, 100, 3)).toMatchObject({
      from: 10,
      firstLength: 10,
    });
  });

  it.each([1, 7, 4096])(
    "counts a line that is not UTF-8 by its bytes as shown (U+FFFD is three), in chunks of %i",
    (size) => {
      // Latin-1: each of these 0xe9 bytes shows as U+FFFD, three bytes of the reply.
      const latin1 = Buffer.concat([Buffer.from("caf"), Buffer.from([0xe9])]);
      const text = Buffer.concat(Array.from({ length: 10 }, () => Buffer.concat([latin1, Buffer.from("\n")])));
      const scanner = (mode: LineMode) => {
        const s = new LineScanner(mode, 30);
        for (let i = 0; i < text.length; i += size) s.push(text.subarray(i, i + size));
        return s.end();
      };
      for (const mode of [
        { kind: "range", start: 1, count: 100 },
        { kind: "tail", count: 100 },
      ] as LineMode[]) {
        const window = scanner(mode);
        // "caf\uFFFD" is 6 bytes shown, 7 with its newline: 4 lines fit 30 bytes, not the 6 its raw 5 bytes would.
        expect(window.lines).toHaveLength(4);
        expect(Buffer.byteLength(window.lines.join("\n"))).toBeLessThanOrEqual(30);
      }
    },
  );

  it("counts an empty file as no lines and a final newline as no extra line", () => {
    expect(scan("", { kind: "range", start: 1, count: 5 }, 100, 4).total).toBe(0);
    expect(scan("a\nb\n", { kind: "range", start: 1, count: 5 }, 100, 1).total).toBe(2);
  });

  it.each([
    // text fed, mode, settled after it, total when the rest of the file is left unread
    ["a\nb\nc", { kind: "range", start: 1, count: 2 }, true, 3],
    ["a\nb\n", { kind: "range", start: 1, count: 2 }, true, 3],
    ["a\nb", { kind: "range", start: 1, count: 2 }, false, 2],
    ["a\nb\nc\n", { kind: "range", start: 3, count: 5 }, false, 4],
    ["aaaa\nbbbb\nc", { kind: "range", start: 1, count: 100 }, true, 3],
    ["a\nb\nc\n", { kind: "tail", count: 1 }, false, 4],
  ] as const)(
    "after %j as %j, settled is %s, and the rest unread makes it at least %i lines",
    (text, mode, settled, total) => {
      const scanner = new LineScanner(mode, 8);
      scanner.push(Buffer.from(text));
      expect(scanner.settled).toBe(settled);
      expect(scanner.end(true).total).toBe(total);
    },
  );
});
