import { closeSync, lstatSync, mkdirSync, rmdirSync } from "node:fs";
import path from "node:path";
import { folderNotWritable, hiddenError, notADirectoryError } from "./errors.js";
import type { Sandbox } from "./sandbox.js";
import type { Opened } from "./sandbox-paths.js";

/** `dir` if it is a directory; otherwise closed and refused, naming what `input` reached. */
export function asDirectory(sandbox: Sandbox, input: string, dir: Opened): Opened {
  if (dir.stat.isDirectory()) return dir;
  closeSync(dir.fd);
  throw notADirectoryError(input, sandbox.display(dir.real));
}

/**
 * The directories one call made on its way to a path, to be removed again if the call then fails (a full disk, a name
 * refused): a failed call leaves the tree as it was, not `x/y` empty for a `write_file x/y/new.txt` that never landed.
 * Each is removed through its parent's descriptor, held open since it was made, as it was made: a symlink swapped in
 * since cannot lead the removal elsewhere. Only one that is still the directory made (its inode) and still empty goes,
 * so one another process filled or put in its place meanwhile stays, and so do the folders above it.
 */
export class MadeDirs {
  readonly #made: { parent: Opened; name: string; dev: number; ino: number }[] = [];

  constructor(private readonly sandbox: Sandbox) {}

  /** `name` was made in `parent`, whose descriptor this now holds, and opened as `made`. */
  add(parent: Opened, name: string, made: Opened): void {
    this.#made.push({ parent, name, dev: made.stat.dev, ino: made.stat.ino });
  }

  /** Remove what was made, deepest first, as far as each is still the empty directory made; never throws. */
  undo(): void {
    for (const { parent, name, dev, ino } of this.#made.toReversed()) {
      const at = this.sandbox.child(parent, name);
      try {
        const now = lstatSync(at);
        if (!now.isDirectory() || now.dev !== dev || now.ino !== ino) return;
        rmdirSync(at);
      } catch {
        // Not empty, or gone: what is left above it is left too.
        return;
      }
    }
  }

  /** Let go of the parents' descriptors: after undo, or when the call succeeded and the directories stay. */
  close(): void {
    for (const { parent } of this.#made.splice(0)) closeSync(parent.fd);
  }
}

/**
 * Run `call` with a MadeDirs to pass to `Sandbox.openDir`: if it fails, the directories it made are removed again
 * (MadeDirs.undo) before its error is thrown.
 */
export async function undoingMadeDirs<T>(sandbox: Sandbox, call: (made: MadeDirs) => T | Promise<T>): Promise<T> {
  const made = new MadeDirs(sandbox);
  try {
    return await call(made);
  } catch (error) {
    made.undo();
    throw error;
  } finally {
    made.close();
  }
}

/**
 * `mkdir -p` of `lex` below the verified `root`: each missing component is made, then opened through its verified
 * parent's descriptor, so a symlink swapped in on the way cannot lead the rest outside. Each one made is recorded in
 * `made`, which takes over its parent's descriptor, to be removed again if the call fails.
 */
export function makeDirs(sandbox: Sandbox, input: string, root: string, lex: string, made?: MadeDirs): Opened {
  let dir = sandbox.openFolder(input, root);
  for (const part of path.relative(root, lex).split(path.sep).filter(Boolean)) {
    const child = sandbox.child(dir, part);
    let created = false;
    try {
      // Making a directory that will hold a hidden path is harmless; making the hidden path itself is not.
      if (sandbox.isHidden(path.join(dir.real, part))) throw hiddenError(input);
      try {
        mkdirSync(child);
        created = made !== undefined;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EACCES") throw folderNotWritable(input, sandbox.display(dir.real), "no folder made");
        if (code !== "EEXIST") throw sandbox.fsError(input, error);
      }
      const next = sandbox.openFolder(input, child);
      if (created) made?.add(dir, part, next);
      else closeSync(dir.fd);
      dir = next;
    } catch (error) {
      closeSync(dir.fd);
      throw error;
    }
    dir = asDirectory(sandbox, input, dir);
  }
  return dir;
}
