import { closeSync, mkdirSync } from "node:fs";
import path from "node:path";
import { hiddenError, notADirectoryError } from "./errors.js";
import type { Sandbox } from "./sandbox.js";
import type { Opened } from "./sandbox-paths.js";

/** `dir` if it is a directory; otherwise closed and refused, naming what `input` reached. */
export function asDirectory(sandbox: Sandbox, input: string, dir: Opened): Opened {
  if (dir.stat.isDirectory()) return dir;
  closeSync(dir.fd);
  throw notADirectoryError(input, sandbox.display(dir.real));
}

/**
 * `mkdir -p` of `lex` below the verified `root`: each missing component is made, then opened through its verified
 * parent's descriptor, so a symlink swapped in on the way cannot lead the rest outside.
 */
export function makeDirs(sandbox: Sandbox, input: string, root: string, lex: string): Opened {
  let dir = sandbox.open(input, root);
  for (const part of path.relative(root, lex).split(path.sep).filter(Boolean)) {
    const child = sandbox.child(dir, part);
    try {
      // Making a directory that will hold a hidden path is harmless; making the hidden path itself is not.
      if (sandbox.isHidden(path.join(dir.real, part))) throw hiddenError(input);
      try {
        mkdirSync(child);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw sandbox.fsError(input, error);
      }
      const next = sandbox.open(input, child);
      closeSync(dir.fd);
      dir = next;
    } catch (error) {
      closeSync(dir.fd);
      throw error;
    }
    dir = asDirectory(sandbox, input, dir);
  }
  return dir;
}
