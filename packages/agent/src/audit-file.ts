import { accessSync, constants, realpathSync, type Stats, statSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Why the audit log cannot be written at `file`, found before the run starts (its calls would otherwise go unrecorded):
 * it is a folder, lies under a file, or may not be written. Nothing is created; undefined when it can be.
 */
export function auditFileProblem(file: string): string | undefined {
  try {
    const found = existing(file);
    if (found) {
      // /dev/null (no log) and /dev/stderr are written as a file is.
      if (!found.isFile() && !found.isCharacterDevice() && !found.isFIFO()) return `${file} is not a file`;
      accessSync(file, constants.W_OK);
      return undefined;
    }
    // The nearest folder that exists is where the missing ones would be made.
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      const above = existing(dir);
      if (above) {
        if (!above.isDirectory()) return `${dir} is a file, so ${file} cannot be made under it`;
        accessSync(dir, constants.W_OK);
        return undefined;
      }
      if (dirname(dir) === dir) return undefined;
    }
  } catch (error) {
    return `${file} cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
}

/** `path`'s stat, or undefined when nothing is there (a part of it missing, or a file where a folder would be). */
function existing(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw error;
  }
}

/** What `file` (the audit log) would overwrite, named as `files` names it, if it is one of them. */
export function auditClash(file: string, files: Record<string, string>): string | undefined {
  const real = realOrSelf(file);
  return Object.entries(files).find(([, path]) => path === file || realOrSelf(path) === real)?.[0];
}

/** `path` with its symlinks resolved, when it exists; else itself. */
function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
