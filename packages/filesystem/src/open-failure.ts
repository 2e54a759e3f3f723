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
 * Why the folder at `lex` (the path `input` names) could not be opened to be listed, where the server's user may pass
 * through it (search, x) but not read it (mode 311, a drop folder of 733): "permission denied" alone reads as if
 * nothing in it could be reached, and a name in it can. Undefined for anything else, or off Linux (Sandbox.lookAt).
 */
export function unlistedFolder(sandbox: Sandbox, input: string, lex: string): ToolError | undefined {
  const seen = sandbox.lookAt(input, lex);
  // "d/." can be looked at only with search permission on d (path.join would drop the ".").
  if (!seen?.stat.isDirectory() || !sandbox.lookAt(input, `${lex}/.`)) return undefined;
  const mode = (seen.stat.mode & 0o7777).toString(8).padStart(3, "0");
  return new ToolError(
    `${quote(input)}: a folder the server's user may pass through but not list (permissions ${mode}), so list_directory, directory_tree and search_files cannot show what is in it; a name in it that you know is read, written and described as anywhere else: ask the user for the names, or to grant read (r) permission on the folder`,
    { cause: "EACCES" },
  );
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
