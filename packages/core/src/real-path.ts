// Where a path leads on disk, symlinks resolved, also for a path that does not exist yet: the agent compares its
// guarded files and the file server its --hide entries by it, so a symlink on the way is no way around either.
import { lstatSync, readlinkSync, realpathSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/**
 * The real path of `path`, symlinks resolved, also when it does not exist yet: a dangling symlink leads on to its
 * target, and a missing name is joined to its parent's real path.
 */
export function realPathOf(path: string): string {
  let current = resolve(path);
  const rest: string[] = [];
  for (let links = 0; links < 40; ) {
    try {
      return join(realpathSync(current), ...rest);
    } catch {
      let target: string | undefined;
      try {
        if (lstatSync(current).isSymbolicLink()) target = resolve(dirname(current), readlinkSync(current));
      } catch {
        // Not there at all.
      }
      if (target !== undefined) {
        links++;
        current = target;
        continue;
      }
      const parent = dirname(current);
      if (parent === current) break;
      rest.unshift(basename(current));
      current = parent;
    }
  }
  return join(current, ...rest);
}
