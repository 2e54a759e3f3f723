import { closeSync, type Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import type { Completer } from "@mcp-toolkit/core";
import type { Sandbox } from "./sandbox.js";
import { byName } from "./walk.js";

/** Where a typed path's completions come from: the directory it names so far, and the start of the next name. */
export interface PathStem {
  /** The directory part, as typed, with its trailing "/" ("" for none). */
  dir: string;
  /** What is typed of the next name. */
  prefix: string;
}

/** Split what was typed into the directory to list and the start of the name (`src/ut` → `src/` + `ut`). Pure. */
export function pathStem(typed: string): PathStem {
  const slash = typed.lastIndexOf("/");
  return slash < 0 ? { dir: "", prefix: typed } : { dir: typed.slice(0, slash + 1), prefix: typed.slice(slash + 1) };
}

/**
 * Complete a path under the roots, one level at a time: the entries of the typed directory whose names start with
 * what was typed (case-sensitive, as the filesystem is), directories ending in "/", hidden paths never, all of them
 * in name order (the SDK sends the first MAX_COMPLETIONS and counts the rest into `total` and `hasMore`). `absolute` completes the path a `file:///{+path}` URI carries (no leading "/");
 * otherwise paths relative to the first root, as the tools take them. `folders` leaves out files, for an argument
 * that names a folder, and symlinks that do not lead to a folder inside the roots (the tool would refuse them).
 * Anything unreadable completes to nothing.
 */
export function pathCompleter(sandbox: Sandbox, absolute = false, folders = false): Completer {
  return async (typed) => {
    const { dir, prefix } = pathStem(typed);
    // Above the roots, the roots themselves are what can be typed next.
    const roots = absolute ? rootsStartingWith(sandbox, typed) : [];
    if (roots.length > 0 || (absolute && dir === "")) return roots;
    let opened: ReturnType<Sandbox["open"]>;
    try {
      const input = absolute ? `/${dir}` : dir || ".";
      opened = sandbox.openDir(input, sandbox.lexical(input));
    } catch {
      return [];
    }
    try {
      const entries: Dirent[] = sandbox.shown(
        opened,
        await readdir(sandbox.child(opened, ""), { withFileTypes: true }),
      );
      const typedPath = (name: string) => (absolute ? `/${dir}${name}` : `${dir}${name}`);
      return entries
        .filter(
          (e) =>
            e.name.startsWith(prefix) &&
            (!folders || e.isDirectory() || (e.isSymbolicLink() && leadsToFolder(sandbox, typedPath(e.name)))),
        )
        .sort(byName)
        .map((e) => `${dir}${e.name}${e.isDirectory() ? "/" : ""}`);
    } catch {
      return [];
    } finally {
      closeSync(opened.fd);
    }
  };
}

/** Does the symlink at `input` lead to a folder the tools may use? Opened through the sandbox, as a tool would. */
function leadsToFolder(sandbox: Sandbox, input: string): boolean {
  try {
    const opened = sandbox.open(input);
    closeSync(opened.fd);
    return opened.stat.isDirectory();
  } catch {
    return false;
  }
}

/** The roots (without their leading "/", with a trailing one) that what was typed has not reached yet. */
function rootsStartingWith(sandbox: Sandbox, typed: string): string[] {
  return sandbox.realRoots
    .map((root) => `${root.slice(1)}/`)
    .filter((root) => root.startsWith(typed) && root.length > typed.length);
}
