import { appendFileSync, closeSync, ftruncateSync, openSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { noTracing, optionNames, silentLogger } from "@mcp-toolkit/core";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { FileTurns } from "../src/file-turns.js";
import { type Context, DEFAULT_LIMITS } from "../src/options.js";
import { readForModel } from "../src/read.js";
import type { ReadArgs } from "../src/read-args.js";
import { CHUNK, LINE_COUNT_BUDGET, LINE_SEEK_BUDGET, LONG_LINE_MARGIN } from "../src/read-io.js";
import { Sandbox } from "../src/sandbox.js";
import { VersionCache } from "../src/version-cache.js";
import { tempDir } from "./helpers.js";

// Huge files cost no disk: sparse, with text written at their start and end, and zeros (one long line) between.

const numbered = (from: number, count: number, end = "\n") =>
  Array.from({ length: count }, (_, i) => `line ${from + i}${end}`).join("");

/** A sparse file of `size` bytes: `head` at its start, `tail` at its end. */
function sparse(file: string, size: number, head: string | Buffer, tail: string | Buffer): void {
  const fd = openSync(file, "w");
  try {
    writeSync(fd, Buffer.from(head), 0, undefined, 0);
    ftruncateSync(fd, size);
    writeSync(fd, Buffer.from(tail), 0, undefined, size - Buffer.byteLength(tail));
  } finally {
    closeSync(fd);
  }
}

const ws = tempDir();
const ctx: Context = {
  sandbox: new Sandbox([ws.dir]),
  limits: DEFAULT_LIMITS,
  logger: silentLogger,
  confirm: "never",
  names: optionNames,
  fileTurns: new FileTurns(),
  versionCache: new VersionCache(),
  versions: true,
};
afterAll(() => ws.cleanup());
afterEach(() => vi.restoreAllMocks());

/** Read `file` as read_file does, and the bytes that read took from the disk (the span's counter). */
async function readCounting(file: string, args: ReadArgs, how: { signal?: AbortSignal } = {}, budget = 4096) {
  let bytes = 0;
  vi.spyOn(noTracing, "count").mockImplementation((attribute, amount) => {
    if (attribute === "mcp_toolkit.file.bytes_read") bytes += amount;
  });
  const out = await readForModel(ctx, file, args, budget, { ...how, noteUtf8: true });
  return { text: out.kind === "text" ? out.text : out.kind, bytes };
}

// 1000 lines of text (over the 8000 bytes sniffed for a NUL), then a hole of zeros to the 4096 bytes of text at the end.
const HEAD = numbered(1, 1000);
const END = `\n${numbered(2001, 400)}`;

describe("readForModel of a file over the line-count budget", () => {
  writeFileSync(path.join(ws.dir, "under.log"), HEAD);
  sparse(path.join(ws.dir, "big.log"), 4 * LINE_COUNT_BUDGET, HEAD, END);

  it.each([
    [
      { head: 2 },
      "line 1\nline 2\n[showing lines 1–2 of at least 1001 (counted in the first 64 MiB of 256 MiB); call again with offset=3]",
    ],
    [
      { offset: 999, limit: 2 },
      "line 999\nline 1000\n[showing lines 999–1000 of at least 1001 (counted in the first 64 MiB of 256 MiB); call again with offset=1001]",
    ],
    [
      {},
      /^line 1\n[\s\S]*\n\[showing lines 1–\d+ of at least 1001 \(counted in the first 64 MiB of 256 MiB\); call again with offset=\d+\]$/,
    ],
  ])(
    "stops counting lines at the budget once %j is found, and says the total is a lower bound",
    async (args, expected) => {
      const { text, bytes } = await readCounting("big.log", args);
      expect(text).toMatch(expected);
      expect(bytes).toBeGreaterThanOrEqual(LINE_COUNT_BUDGET);
      expect(bytes).toBeLessThanOrEqual(LINE_COUNT_BUDGET + CHUNK);
    },
  );

  it("reads on past the budget to lines asked for beyond it, and counts them to the end", async () => {
    const { text, bytes } = await readCounting("big.log", { offset: 1002, limit: 1 });
    expect(text).toBe("line 2001\n[showing lines 1002–1002 of 1401; call again with offset=1003]");
    expect(bytes).toBeGreaterThanOrEqual(4 * LINE_COUNT_BUDGET);
  });

  it("keeps the exact count in a file under the budget", async () => {
    expect((await readCounting("under.log", { head: 2 })).text).toBe(
      "line 1\nline 2\n[showing lines 1–2 of 1000; call again with offset=3]",
    );
  });

  it("stops a read far into a huge file when the call is cancelled", async () => {
    const cancelling = new AbortController();
    let bytes = 0;
    vi.spyOn(noTracing, "count").mockImplementation((_attribute, amount) => {
      bytes += amount;
      if (bytes > CHUNK) cancelling.abort();
    });
    await expect(readForModel(ctx, "big.log", { offset: 1002 }, 4096, { signal: cancelling.signal })).rejects.toThrow(
      "read cancelled",
    );
    expect(bytes).toBeLessThanOrEqual(3 * CHUNK);
  });
});

const GIB = 1024 ** 3;

describe("readForModel of a line or an offset far into a huge file", () => {
  sparse(path.join(ws.dir, "one-line.json"), 20 * GIB, "[".repeat(10_000), "]\nafter\n");
  sparse(path.join(ws.dir, "deep.log"), 20 * GIB, HEAD, END);
  writeFileSync(path.join(ws.dir, "bundle.js"), `${"x".repeat(LONG_LINE_MARGIN)}\nafter\n`);
  /** The head sniffed, then past the page: a margin, and the chunk the read was in when it went past it. */
  const PAST_PAGE = 8192 + 4096 + LONG_LINE_MARGIN + CHUNK;

  it.each([
    [{ head: 1 }, 0],
    [{ offset: 1, skip_bytes: 3 * CHUNK }, 3 * CHUNK],
  ])("shows a first line of 20 GiB for %j reading only the page and a margin", async (args: ReadArgs, skip) => {
    const from = skip + 1;
    const { text, bytes } = await readCounting("one-line.json", args);
    expect(text).toMatch(
      new RegExp(
        `\\n\\[line 1 is at least \\d+ bytes: showing bytes ${from}–(\\d+); rest of the line: offset=1 skip_bytes=\\1; next line: offset=2 if in the first 1\\.0 GiB\\]$`,
      ),
    );
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(4096);
    expect(bytes).toBeLessThanOrEqual(skip + PAST_PAGE);
  });

  it("shows the lines before a huge line and stops in it, with the total a lower bound", async () => {
    const { text, bytes } = await readCounting("deep.log", { offset: 999, limit: 5 });
    expect(text).toMatch(
      /^line 999\nline 1000\n\[showing lines 999–1000 of at least 1001 \(counted in the first [\d.]+ MiB of 20 GiB\); call again with offset=1001\]$/,
    );
    expect(bytes).toBeLessThanOrEqual(HEAD.length + PAST_PAGE);
  });

  it("still gives a long line's length, and the next line, when it ends within the margin", async () => {
    const { text } = await readCounting("bundle.js", { head: 1 });
    expect(text).toMatch(
      /\n\[line 1 is 1048576 bytes, over the 4096-byte cap: showing bytes 1–\d+; .*; next line: offset=2\]$/,
    );
    expect((await readCounting("bundle.js", { offset: 2 })).text).toBe("after\n[showing lines 2–2 of 2; end of file]");
  });

  it("refuses an offset not found in the first LINE_SEEK_BUDGET bytes, having read no further", async () => {
    let bytes = 0;
    vi.spyOn(noTracing, "count").mockImplementation((_attribute, amount) => {
      bytes += amount;
    });
    await expect(readForModel(ctx, "deep.log", { offset: 1002 }, 4096)).rejects.toThrow(
      '"deep.log": offset=1002 is not in the first 1.0 GiB of this 20 GiB file, which hold 1000 whole lines; read_file looks no further for a line — tail=N reads the file\'s last lines, or use a smaller offset',
    );
    expect(bytes).toBeGreaterThanOrEqual(LINE_SEEK_BUDGET);
    expect(bytes).toBeLessThanOrEqual(LINE_SEEK_BUDGET + 8192);
  });
});

const NOT_COUNTED = "lines are counted only in a file's first 64 MiB";

describe("readForModel of the tail of a file over the line-count budget", () => {
  sparse(path.join(ws.dir, "20g.log"), 20 * GIB, HEAD, END);
  sparse(path.join(ws.dir, "open-end.log"), 20 * GIB, HEAD, "\nfirst\nlast, no newline");

  it.each([
    [
      "20g.log",
      2,
      `line 2399\nline 2400\n[the last 2 lines of a 20 GiB file, not numbered: ${NOT_COUNTED}; earlier lines: tail=4]`,
    ],
    ["20g.log", 1, `line 2400\n[the last line of a 20 GiB file, not numbered: ${NOT_COUNTED}; earlier lines: tail=2]`],
    [
      "open-end.log",
      2,
      `first\nlast, no newline\n[the last 2 lines of a 20 GiB file, not numbered: ${NOT_COUNTED}; earlier lines: tail=4]`,
    ],
  ])("reads %s back from its end for tail=%i, not the rest", async (file, tail, expected) => {
    const { text, bytes } = await readCounting(file, { tail });
    expect(text).toBe(expected);
    expect(bytes).toBeLessThanOrEqual(8192 + CHUNK);
  });

  it.each([
    ["LF", numbered(1, 3000)],
    ["CRLF", numbered(1, 3000, "\r\n")],
    ["Latin-1", Buffer.from(numbered(1, 3000, " caf\xe9\n"), "latin1")],
  ])("shows the same %s lines a read of a small file does, as many as fit the cap", async (name, end) => {
    // Over 256 KiB, and UTF-8 in its first 8 KiB, as the big file: neither is noted as not UTF-8.
    writeFileSync(
      path.join(ws.dir, `${name}.txt`),
      Buffer.concat([Buffer.from(HEAD + "\n".repeat(300_000)), Buffer.from(end)]),
    );
    sparse(
      path.join(ws.dir, `${name}.log`),
      LINE_COUNT_BUDGET + 1,
      HEAD,
      Buffer.concat([Buffer.from("\n"), Buffer.from(end)]),
    );
    const small = (await readCounting(`${name}.txt`, { tail: 1000 })).text;
    const { text, bytes } = await readCounting(`${name}.log`, { tail: 1000 });
    const lines = (out: string) => out.slice(0, out.lastIndexOf("\n["));
    expect(lines(text)).toBe(lines(small));
    expect(text.slice(lines(text).length)).toMatch(
      new RegExp(
        `^\\n\\[the last \\d+ lines of a 64 MiB file \\(as many as fit the 4096-byte cap\\), not numbered: ${NOT_COUNTED}\\]$`,
      ),
    );
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(4096);
    expect(bytes).toBeLessThanOrEqual(8192 + CHUNK);
  });

  it.each([
    ["a last line over the cap", `\n${"日本語".repeat(2000)}x\n`, "x"],
    ["a file that ends in one long line", "", "\0"],
    ["a last line of Latin-1 over the cap", Buffer.from(`\n${"\xe9".repeat(3000)}!`, "latin1"), "\uFFFD!"],
  ])("shows the end of %s, within the cap, reading no further back than needed", async (name, end, last) => {
    sparse(path.join(ws.dir, "long.log"), 20 * GIB, HEAD, end);
    const { text, bytes } = await readCounting("long.log", { tail: 3 });
    const note =
      /\n\[the last line of a 20 GiB file is over the 4096-byte cap: showing its last (\d+) bytes; lines are counted only in a file's first 64 MiB, so it has no number for offset and skip_bytes to page it\]$/.exec(
        text,
      );
    expect(note, text.slice(-300)).not.toBeNull();
    expect(text.slice(0, note?.index).endsWith(last), name).toBe(true);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(4096);
    expect(bytes).toBeLessThanOrEqual(8192 + CHUNK);
  });

  it("reads a file that grows while it is read as it was when opened", async () => {
    const log = path.join(ws.dir, "growing.log");
    sparse(log, 20 * GIB, HEAD, END);
    const open = Sandbox.prototype.open;
    vi.spyOn(Sandbox.prototype, "open").mockImplementation(function (this: Sandbox, ...args) {
      const opened = open.apply(this, args);
      appendFileSync(log, numbered(3001, 10));
      return opened;
    });
    expect((await readCounting("growing.log", { tail: 1 })).text).toMatch(/^line 2400\n\[the last line of a 20 GiB/);
  });

  it("stops when the call is cancelled", async () => {
    const cancelled = AbortSignal.abort();
    await expect(readCounting("20g.log", { tail: 5 }, { signal: cancelled })).rejects.toThrow("read cancelled");
  });
});

describe("readForModel of a huge UTF-16 file", () => {
  const utf16 = (text: string) => Buffer.from(text, "utf16le");
  // An odd size: the last byte is half a code unit, and every chunk read back from the end starts one byte off.
  const tail = Buffer.concat([utf16(END), Buffer.from([0x41])]);
  sparse(path.join(ws.dir, "big-utf16.log"), 4 * LINE_COUNT_BUDGET + 1, utf16(`\uFEFF${HEAD}`), tail);
  const NOTE = "[UTF-16LE text (it has a byte order mark), shown decoded: edit_file and write_file keep its encoding]";

  it("counts lines only in the file's first 64 MiB of bytes, decoded", async () => {
    const { text, bytes } = await readCounting("big-utf16.log", { head: 2 });
    expect(text).toBe(
      `line 1\nline 2\n[showing lines 1–2 of at least 1001 (counted in the first 64 MiB of 256 MiB); call again with offset=3]\n${NOTE}`,
    );
    expect(bytes).toBeLessThanOrEqual(LINE_COUNT_BUDGET + CHUNK);
  });

  it("reads tail back from the end on code units, the odd last byte (a line of its own) as U+FFFD", async () => {
    const { text, bytes } = await readCounting("big-utf16.log", { tail: 2 });
    expect(text).toBe(
      `line 2400\n\uFFFD\n[the last 2 lines of a 256 MiB file, not numbered: lines are counted only in a file's first 64 MiB; earlier lines: tail=4]\n${NOTE}`,
    );
    expect(bytes).toBeLessThanOrEqual(8192 + CHUNK + 3); // the head sniffed, one chunk, its first code unit
  });

  it("reads the tail of one over 2 GiB", async () => {
    sparse(path.join(ws.dir, "3g-utf16.log"), 3 * 1024 ** 3 + 1, utf16(`\uFEFF${HEAD}`), tail);
    expect((await readCounting("3g-utf16.log", { tail: 1 })).text).toBe(
      `\uFFFD\n[the last line of a 3.0 GiB file, not numbered: lines are counted only in a file's first 64 MiB; earlier lines: tail=2]\n${NOTE}`,
    );
  });
});

describe("readForModel of a huge UTF-32 file", () => {
  const utf32 = (text: string) => {
    const points = [...text].map((char) => char.codePointAt(0) ?? 0);
    const bytes = Buffer.alloc(4 * points.length);
    for (const [i, point] of points.entries()) bytes.writeUInt32LE(point, 4 * i);
    return bytes;
  };
  // Two bytes over whole units: every chunk read back from the end starts two bytes into one.
  const tail = Buffer.concat([utf32(END), Buffer.from([0x41, 0])]);
  sparse(path.join(ws.dir, "big-utf32.log"), 4 * LINE_COUNT_BUDGET + 2, utf32(`\uFEFF${HEAD}`), tail);
  const NOTE = "[UTF-32LE text (it has a byte order mark), shown decoded: edit_file and write_file keep its encoding]";

  it("pages its head and reads its tail back from the end on whole units", async () => {
    expect((await readCounting("big-utf32.log", { head: 1 })).text).toBe(
      `line 1\n[showing lines 1–1 of at least 1001 (counted in the first 64 MiB of 256 MiB); call again with offset=2]\n${NOTE}`,
    );
    const { text, bytes } = await readCounting("big-utf32.log", { tail: 2 });
    expect(text).toBe(
      `line 2400\n\uFFFD\n[the last 2 lines of a 256 MiB file, not numbered: lines are counted only in a file's first 64 MiB; earlier lines: tail=4]\n${NOTE}`,
    );
    expect(bytes).toBeLessThanOrEqual(8192 + CHUNK + 3); // the head sniffed, one chunk from its unit's start
  });
});
