// Reading a file's bytes for read_file: how far into a huge file it reads (lines counted, an offset looked for, a
// long line measured), and the reads themselves, every byte counted on the tool call's span.
import { read, readSync } from "node:fs";
import { tracing } from "@mcp-toolkit/core";

/**
 * Lines are counted only in a file's first 64 MiB: past them a paged read stops once its lines are found (its note
 * then gives a lower bound on the total), and `tail` reads back from the end instead, so no read scans a huge file
 * whole. At a cold disk's 100–500 MB/s that is under a second; nearly every source file and log a model pages
 * through is smaller, and keeps its exact count.
 */
export const LINE_COUNT_BUDGET = 64 * 1024 * 1024;

/**
 * An `offset` is looked for only in a file's first 1 GiB: a deeper one is refused rather than read up to, which in
 * a file of many gigabytes took minutes (the lines must be counted to find it). `tail` reads a huge file's end.
 */
export const LINE_SEEK_BUDGET = 16 * LINE_COUNT_BUDGET;

/**
 * How far past the budget a line of the window is read to learn its length: a line longer than the budget plus this
 * is shown cut without reading the rest of it (a one-line bundle or dump may be gigabytes).
 */
export const LONG_LINE_MARGIN = 1024 * 1024;

/** Bytes read at a time from a large file. */
export const CHUNK = 1024 * 1024;

/** The tool span's attribute for bytes read from files (nothing is recorded when tracing is off). */
const BYTES_READ = "mcp_toolkit.file.bytes_read";

/** Read up to `length` bytes at `position` synchronously, stopping early at end of file. */
export function readRange(fd: number, length: number, position: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const n = readSync(fd, buffer, filled, length - filled, position + filled);
    if (n === 0) break;
    filled += n;
  }
  tracing().count(BYTES_READ, filled);
  return buffer.subarray(0, filled);
}

/** Read up to `length` bytes at `position` into `buffer` off the main thread; resolves to the bytes read. */
export async function readAt(fd: number, buffer: Buffer, length: number, position: number): Promise<number> {
  const n = await new Promise<number>((resolve, reject) =>
    read(fd, buffer, 0, length, position, (error, bytes) => (error ? reject(error) : resolve(bytes))),
  );
  tracing().count(BYTES_READ, n);
  return n;
}

/** The whole file: the head already read when it is all of it (`size` bytes at most, were it to grow). */
export function wholeBytes(fd: number, head: Buffer, size: number): Buffer {
  return size <= head.length ? head : readRange(fd, size, 0);
}
