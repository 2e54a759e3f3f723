// The bytes of a file a grep lists: read synchronously into a scratch buffer reused across files, at most a limit.
import { fstatSync, readSync, type Stats } from "node:fs";

/**
 * The bytes of a regular file opened without a stat, or undefined when it is over `limit` bytes or not a regular
 * file. Most files a grep reads fit `scratch` in one read, and a short read of a regular file is its end; only a read
 * that fills it pays an fstat, so a file of gigabytes is passed over by its size, not read up to the limit.
 */
export function readListedFile(fd: number, limit: number, scratch: { buf: Buffer }, stat?: Stats): Buffer | undefined {
  if (stat === undefined) {
    const n = readSync(fd, scratch.buf, 0, scratch.buf.length, 0);
    if (n < scratch.buf.length) return n > limit ? undefined : scratch.buf.subarray(0, n);
    stat = fstatSync(fd);
  }
  if (!stat.isFile() || stat.size > limit) return undefined;
  const data = readUpTo(fd, limit, scratch, stat.size);
  return data.length > limit ? undefined : data;
}

/**
 * Read `fd` from the start into `scratch` (grown as needed), at most `limit` + 1 bytes, so a file that grew past the
 * limit since its stat shows as over it. Synchronous: a small file from the page cache reads in microseconds, where
 * an asynchronous read costs a thread-pool round trip per call, and a grep reads thousands.
 */
export function readUpTo(fd: number, limit: number, scratch: { buf: Buffer }, expected: number): Buffer {
  let length = 0;
  for (;;) {
    if (length === scratch.buf.length) {
      const grown = Buffer.allocUnsafe(Math.min(limit + 1, Math.max(expected + 1, scratch.buf.length * 2)));
      scratch.buf.copy(grown, 0, 0, length);
      scratch.buf = grown;
    }
    const want = scratch.buf.length - length;
    const n = readSync(fd, scratch.buf, length, want, length);
    length += n;
    // A short read of a regular file is its end (no second read just to see 0 bytes); a full buffer may mean more.
    if (n < want || length > limit) break;
  }
  return scratch.buf.subarray(0, length);
}
