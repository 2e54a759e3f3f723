import { closeSync, fstatSync, openSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readListedFile } from "../src/listed-file.js";
import { tempDir } from "./helpers.js";

const base = tempDir("fs-read-");
afterAll(() => base.cleanup());

/** readListedFile on a fresh descriptor of `file`, with a scratch buffer of `scratchBytes`. */
function readListed(file: string, limit: number, scratchBytes: number, withStat = false): string | undefined {
  const fd = openSync(file, "r");
  try {
    const data = readListedFile(fd, limit, { buf: Buffer.alloc(scratchBytes) }, withStat ? fstatSync(fd) : undefined);
    return data?.toString("latin1");
  } finally {
    closeSync(fd);
  }
}

describe("readListedFile: a grep's read of a file opened without a stat", () => {
  const write = (name: string, bytes: number) => {
    const file = path.join(base.dir, name);
    writeFileSync(file, "x".repeat(bytes));
    return file;
  };

  it.each([
    ["empty", 0, 100, 16, ""],
    ["shorter than the scratch buffer: one read", 10, 100, 16, "x".repeat(10)],
    ["exactly the scratch buffer: the fstat says it ends there", 16, 100, 16, "x".repeat(16)],
    ["larger than the scratch buffer, within the limit: read whole", 50, 100, 16, "x".repeat(50)],
    ["exactly the limit", 100, 100, 16, "x".repeat(100)],
    ["over the limit, smaller than the scratch buffer", 101, 100, 1024, undefined],
    ["over the limit, larger than the scratch buffer", 101, 100, 16, undefined],
  ])("%s", (_, bytes, limit, scratch, expected) => {
    const file = write(`f${bytes}-${limit}-${scratch}`, bytes);
    expect(readListed(file, limit, scratch)).toBe(expected);
    expect(readListed(file, limit, scratch, true)).toBe(expected);
  });

  it("passes over a file of gigabytes by its size", () => {
    const file = path.join(base.dir, "sparse");
    writeFileSync(file, "");
    truncateSync(file, 4 * 1024 ** 3);
    const scratch = { buf: Buffer.alloc(64 * 1024) };
    const fd = openSync(file, "r");
    try {
      expect(readListedFile(fd, 10 * 1024 ** 2, scratch)).toBeUndefined();
    } finally {
      closeSync(fd);
    }
    // Read up to the limit, the scratch buffer would have grown to hold it.
    expect(scratch.buf.length).toBe(64 * 1024);
  });

  it("passes over what is not a regular file (a device swapped in for a listed file)", () => {
    expect(readListed("/dev/zero", 1024 ** 2, 64 * 1024)).toBeUndefined();
  });
});
