// The versions of large files already hashed, per server: paging through a file (read_file offset=…, 160 pages of a
// 10 MiB one) hashed all of it on every page, 1.6 GB for one pass. A version is taken from here only while the file
// is the same inode of the same device, with the same size, modification time and change time to the nanosecond.
// Any write changes the change time, which no process can set, and so does `touch` or a chmod; but a filesystem's clock
// may tick only every few milliseconds (or 2 s, FAT), so two writes in one tick can leave both times the same. A
// version is therefore kept only for a file whose change time is SETTLED_MS before its hashing began (as Git treats
// an index entry as "racily clean"): any later write is stamped after that, and so looks changed.
import { type BigIntStats, fstatSync } from "node:fs";
import { versionOfOpen } from "./file-version.js";

/** Most files whose versions a server keeps; the least recently used goes first. */
export const VERSION_CACHE_ENTRIES = 64;

/** How long before its hashing a file's change time must be for its version to be kept: a FAT clock's 2 s tick. */
export const SETTLED_MS = 2000;

/** What a kept version is of: no content, no path, so an entry is a few hundred bytes at most. */
interface Entry {
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  version: string;
}

/**
 * The versions of files hashed by one server (it lives in the server's context, shared by its connections), at most
 * VERSION_CACHE_ENTRIES of them: 64 small entries, under 32 KiB. `now` is the wall clock, in ms.
 */
export class VersionCache {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /**
   * The version of the open file `fd` of `size` bytes, whose first bytes `head` holds: kept from an earlier call if
   * the file is as it was then, else hashed (file-version.ts). Undefined when it is no longer `size` bytes, or changed
   * while it was hashed.
   */
  async versionOfOpen(fd: number, size: number, head: Buffer): Promise<string | undefined> {
    const before = fstatSync(fd, { bigint: true });
    if (before.size !== BigInt(size)) return undefined;
    const key = `${before.dev}:${before.ino}`;
    const kept = this.#entries.get(key);
    this.#entries.delete(key);
    if (kept && sameStamp(kept, before)) {
      this.#entries.set(key, kept);
      return kept.version;
    }
    const started = this.#now();
    const version = await versionOfOpen(fd, size, head);
    const after = fstatSync(fd, { bigint: true });
    if (!sameStamp(stampOf(before), after)) return undefined;
    if (after.ctimeNs < BigInt(started - SETTLED_MS) * 1_000_000n) {
      this.#entries.set(key, { ...stampOf(after), version });
      for (const oldest of this.#entries.keys()) {
        if (this.#entries.size <= VERSION_CACHE_ENTRIES) break;
        this.#entries.delete(oldest);
      }
    }
    return version;
  }

  /** Files whose versions are kept. */
  get size(): number {
    return this.#entries.size;
  }
}

/** What of a file's status says its content may have changed (dev and inode are the key). */
function stampOf(stat: BigIntStats): Omit<Entry, "version"> {
  return { size: stat.size, mtimeNs: stat.mtimeNs, ctimeNs: stat.ctimeNs };
}

/** Whether `stat` has the size and times of `stamp`. */
function sameStamp(stamp: Omit<Entry, "version">, stat: BigIntStats): boolean {
  return stat.size === stamp.size && stat.mtimeNs === stamp.mtimeNs && stat.ctimeNs === stamp.ctimeNs;
}
