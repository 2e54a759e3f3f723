import { readlinkSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { checkReal, type RootPair, rootOf } from "./path-policy.js";

// The sandbox's look-ups of roots on the real filesystem: resolving the configured or client roots, and telling
// whether a path that could not be opened leads outside them (a refusal, not a "not found").

/**
 * The real paths of workspace roots; throws naming the first that is missing or not a directory, and for configured
 * roots the `setting` to change (a client's roots have none).
 */
export function resolveRoots(roots: readonly string[], setting?: string): RootPair[] {
  if (roots.length === 0) throw new TypeError("at least one workspace root is required");
  return roots.map((given) => {
    const absolute = path.resolve(given);
    let real: string;
    try {
      real = realpathSync.native(absolute);
    } catch {
      // A relative root is read from the working directory, which a client chooses (Claude Desktop: /): say so, or
      // "create it" would have the user make a folder at the top of the disk.
      if (setting && !path.isAbsolute(given)) {
        throw new Error(
          `workspace root ${given} does not exist: a relative path is read from the working directory, ${process.cwd()}, so it names ${absolute}; set ${setting} to the folder's absolute path`,
        );
      }
      const remedy = setting ? `; create it or set ${setting} to another directory` : "";
      throw new Error(`workspace root ${absolute} does not exist${remedy}`);
    }
    if (!statSync(real).isDirectory()) {
      throw new Error(
        `workspace root ${absolute} is not a directory${setting ? `; set ${setting} to a directory` : ""}`,
      );
    }
    return { given: absolute, real };
  });
}

/**
 * For a path that could not be opened: does it lead outside every root? Either its deepest existing
 * ancestor resolves outside, or it is a dangling symlink whose target would lie outside.
 */
export function leadsOutside(lex: string, realRoots: readonly string[], hops = 0): boolean {
  if (hops > 40) return false; // a loop with every hop inside: the kernel's ELOOP tells nothing about outside
  let target: string | undefined;
  try {
    target = path.resolve(path.dirname(lex), readlinkSync(lex));
  } catch {
    // Not a symlink (or gone): look at its parents.
  }
  if (target !== undefined) return !rootOf(target, realRoots) || leadsOutside(target, realRoots, hops + 1);
  const real = deepestResolvable(lex);
  return real === undefined || !checkReal(real, realRoots).ok;
}

/**
 * The real path of the deepest ancestor of `lex` that resolves, or undefined if none does. If an ancestor resolves,
 * so does each one above it, so a binary search needs about 11 realpath calls where trying each ancestor from the
 * deepest needed one per missing component: each walks every component before it, and a path 1000 deep below an
 * existing tree 1000 deep (made with create_directory) held the server for tens of seconds.
 */
function deepestResolvable(lex: string): string | undefined {
  const ancestors: string[] = [];
  for (let at = path.dirname(lex); ; at = path.dirname(at)) {
    ancestors.push(at);
    if (at === path.dirname(at)) break;
  }
  let found: string | undefined;
  // ancestors[low..high] may hold the deepest that resolves; those below low do not, and found is high + 1's.
  let low = 0;
  let high = ancestors.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    try {
      found = realpathSync.native(ancestors[mid] as string);
      high = mid - 1;
    } catch {
      low = mid + 1;
    }
  }
  return found;
}
