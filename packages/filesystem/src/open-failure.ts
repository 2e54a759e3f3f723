import { lstatSync, readlinkSync } from "node:fs";
import { atFileLimit, ToolError } from "./errors.js";
import { quote } from "./path-policy.js";
import { leadsOutside } from "./root-paths.js";
import type { Sandbox } from "./sandbox.js";

/**
 * Why `at`, the path `input` led to, could not be opened, in words that tell nothing of what lies outside the roots.
 * Any error from what a symlink that leads out reaches ("not found", a loop, a socket's ENXIO) would tell what exists
 * there, so such a path is refused as outside instead.
 */
export function openFailure(sandbox: Sandbox, input: string, at: string, error: unknown): Error {
  // Out of descriptors, nothing about the path is known (the root's own parent lies outside, so the check below
  // would call the root itself outside), and the error tells nothing of what exists anywhere.
  if (atFileLimit(error)) return sandbox.fsError(input, error);
  if (leadsOutside(at, sandbox.realRoots)) return sandbox.outside(input, true);
  // list_directory shows such a link, so "not found" would contradict it.
  if ((error as NodeJS.ErrnoException).code === "ENOENT" && isSymlink(at)) {
    return new ToolError(
      `${quote(input)}: is a symlink whose target does not exist; delete_file removes the link, or create its target first`,
      { cause: "ENOENT" },
    );
  }
  return sandbox.fsError(input, error);
}

/**
 * The path `Sandbox.child` gave, with its /proc/self/fd/N directory replaced by that directory's real path: a symlink
 * in it resolves against where the directory is, not against /proc (which lies outside every root).
 */
export function unproxied(at: string): string {
  const proxied = /^\/proc\/self\/fd\/(\d+)(?=\/|$)/.exec(at);
  if (!proxied) return at;
  try {
    return readlinkSync(proxied[0]) + at.slice(proxied[0].length);
  } catch {
    return at;
  }
}

/** Is the last component of `at` a symlink (what it leads to aside)? */
function isSymlink(at: string): boolean {
  return lstatSync(at, { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
}
