import { describe, expect, it } from "vitest";
import { LineScanner } from "../src/line-scanner.js";
import { lastFitting, TailStart } from "../src/tail-read.js";

/** Feed `text` to a TailStart back from its end in chunks of `size` bytes: where the tail starts in the text. */
function tailStart(text: string | Buffer, count: number, budget: number, size: number): number | "long" | undefined {
  const bytes = Buffer.from(text);
  const finder = new TailStart(count, budget);
  for (let end = bytes.length; end > 0; end -= size) {
    const start = Math.max(0, end - size);
    const found = finder.prepend(bytes.subarray(start, end), start === 0);
    if (found !== undefined) return found === "long" ? found : start + found;
  }
  return undefined;
}

describe("TailStart", () => {
  const cases: [string, number, number][] = [
    // text, count, budget
    ["a\nb\nc\n", 2, 100],
    ["a\nb\nc", 2, 100],
    ["a\nb\nc\n", 5, 100],
    ["a\r\nb\r\nc\r\n", 1, 100],
    ["a\n\n\n", 2, 100],
    ["\n", 1, 100],
    ["12345\n67\n89\n", 5, 5],
    ["12345\n67\n89\n", 5, 6],
    ["a long first line\n67\n89\n", 5, 7],
    ["nonewline", 1, 40],
    [`one\n${"日本".repeat(10)}\n`, 9, 70],
  ];
  it.each([1, 2, 3, 5, 64])("starts where the lines a tail shows begin, in chunks of %i bytes", (size) => {
    for (const [text, count, budget] of cases) {
      const start = tailStart(text, count, budget, size);
      expect(typeof start, JSON.stringify([text, count, budget])).toBe("number");
      const window = (from: number) => {
        const scanner = new LineScanner({ kind: "tail", count }, budget);
        scanner.push(Buffer.from(text).subarray(from));
        return scanner.end().lines;
      };
      expect(window(start as number), JSON.stringify([text, count, budget])).toEqual(window(0));
    }
  });

  it.each([
    ["x\nlong line\n", 3, 5],
    ["nonewline", 1, 4],
    [`${"z".repeat(50)}!`, 2, 8],
  ])("calls the last line of %j long, over %i lines' budget of %i bytes", (text, count, budget) => {
    for (const size of [1, 3, 64]) expect(tailStart(text, count, budget, size)).toBe("long");
  });
});

describe("lastFitting", () => {
  it.each([
    ["abcdef", 4, "cdef", 4],
    ["ab日本", 4, "本", 3],
    ["日本語", 5, "語", 3],
    [Buffer.from("abc\xe9\xe9", "latin1"), 6, "\uFFFD\uFFFD", 2],
    [Buffer.from("abc\xe9\xe9", "latin1"), 8, "bc\uFFFD\uFFFD", 4],
    ["ab", 10, "ab", 2],
  ])("the end of %j in %i bytes is %j, %i bytes of it", (line, room, text, bytes) => {
    const shown = lastFitting(Buffer.from(line), room);
    expect(shown).toEqual({ text, bytes });
    expect(Buffer.byteLength(shown.text)).toBeLessThanOrEqual(room);
  });
});
