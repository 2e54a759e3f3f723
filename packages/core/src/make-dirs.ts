// `mkdir -p`, one level at a time. Node 20's own recursive mkdir never returns on a filesystem that answers ENOENT
// for a folder whose parent exists (/proc, /sys: `mkdir("/proc/x", { recursive: true })` loops for good); here each
// level is made once, and such a refusal fails with its own code.
import { mkdirSync, statSync } from "node:fs";
import path from "node:path";

/**
 * Make the folder `dir` and any missing parents (`mode` for those made). Returns whether it made any; throws the
 * first failure (ENOENT from a filesystem that makes no folders, ENOTDIR where a file stands in the way, EACCES).
 */
export function makeDirs(dir: string, mode?: number): boolean {
  const missing: string[] = [];
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    const found = statSync(at, { throwIfNoEntry: false });
    if (found?.isDirectory()) break;
    if (found) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${at}'`), { code: "ENOTDIR" });
    missing.unshift(at);
    if (path.dirname(at) === at) break;
  }
  for (const level of missing) {
    try {
      mkdirSync(level, mode === undefined ? undefined : { mode });
    } catch (error) {
      // Made meanwhile by another process: as good as made here.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || !statSync(level).isDirectory()) throw error;
    }
  }
  return missing.length > 0;
}
