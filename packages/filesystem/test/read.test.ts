import { closeSync, ftruncateSync, openSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { noTracing, silentLogger } from "@mcp-toolkit/core";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { FileTurns } from "../src/file-turns.js";
import { type Context, DEFAULT_LIMITS } from "../src/options.js";
import { type ReadArgs, readForModel } from "../src/read.js";
import { CHUNK, LINE_COUNT_BUDGET } from "../src/read-io.js";
import { Sandbox } from "../src/sandbox.js";
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
  fileTurns: new FileTurns(),
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
