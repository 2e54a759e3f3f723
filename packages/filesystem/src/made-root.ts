// A root the server made for itself (the bin's default ./workspace, made in the user's project). When a client's roots
// replace it, it is taken away again if it is still the empty folder that was made, so a project is left as it was.
// rmdir is the guard: it removes only an empty folder, so nothing anyone put there is ever lost; the identity check
// keeps a folder someone made in its place. Its birth time is part of that identity: a folder removed and made
// again at once gets the same inode number back on ext4, so device and inode alone would take it for ours.
import { type BigIntStats, lstatSync, mkdirSync, realpathSync, rmdirSync } from "node:fs";
import path from "node:path";

/**
 * The folder made at start-up; `release` removes it while unused, `restore` makes it again. Both say what they did
 * (for the log line, after the path), or undefined when they did nothing.
 */
export class MadeRoot {
  /** Its real path, as the sandbox's configured roots have it. */
  readonly path: string;
  #made: BigIntStats | undefined;

  /** Takes the folder just made at `dir`, one of the `roots` (real paths), and remembers which folder it is. */
  constructor(dir: string, roots: readonly string[]) {
    let real: string | undefined;
    try {
      real = realpathSync.native(dir);
    } catch {}
    if (real === undefined || !roots.includes(real)) {
      throw new TypeError(`createdRoot ${path.resolve(dir)} is not one of the roots (${roots.join(", ")})`);
    }
    this.path = real;
    this.#made = lstatSync(real, { bigint: true });
  }

  /** Remove it if it is still the folder made and empty (never throws); undefined when it is gone or not ours. */
  release(): string | undefined {
    if (!this.#made) return undefined;
    let now: BigIntStats;
    try {
      now = lstatSync(this.path, { bigint: true });
    } catch {
      this.#made = undefined;
      return undefined;
    }
    if (!now.isDirectory() || !sameFolder(now, this.#made)) {
      this.#made = undefined; // someone else's folder now: never ours to remove again
      return "kept (not the folder this server made)";
    }
    try {
      rmdirSync(this.path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") return `kept (could not remove it: ${(error as Error).message})`;
      this.#made = undefined; // something was put there: it is the user's folder now
      return "kept (not empty)";
    }
    this.#made = undefined;
    return "removed (this server made it, and it was still empty)";
  }

  /** Make it again when the roots fall back to it and it is missing; undefined when it is there (or not ours). */
  restore(): string | undefined {
    try {
      mkdirSync(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return undefined;
      throw error;
    }
    this.#made = lstatSync(this.path, { bigint: true });
    return "made again (the roots fell back to it)";
  }
}

/** The same folder: device, inode and birth time (the inode number alone is reused at once). */
function sameFolder(a: BigIntStats, b: BigIntStats): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.birthtimeNs === b.birthtimeNs;
}
