import { closeSync, constants, type Dirent, openSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { type Completer, MAX_COMPLETIONS } from "@mcp-toolkit/core";
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
 * Complete a path under the roots, one level at a time: the entries of the typed directory whose names start with what
 * was typed (case-sensitive, as the filesystem is), directories ending in "/", hidden paths never, all of them in name
 * order (the SDK sends the first MAX_COMPLETIONS and counts the rest into `total` and `hasMore`). `absolute` completes
 * the path a `file:///{+path}` URI carries (no leading "/"); otherwise paths relative to the first root, as the tools
 * take them. A FIFO, socket or device is never offered, nor a symlink but one that leads to a regular file or folder
 * inside the roots that is not hidden (the read or the tool would refuse it). `folders` leaves out files, for an
 * argument that names a folder. A link to a folder is a whole answer there, so it stays its name; in a file URI only
 * what is inside it can be read, so it ends in "/" as a folder does. Anything unreadable completes to nothing, and what
 * the server's user may not open is not offered (a file it may not read, a folder it may not list or enter), as
 * `resources/list` leaves it out: choosing it could only fail. That is checked by opening each value, in name order,
 * until MAX_COMPLETIONS are found, the ones a client is sent; the rest only count into `total`.
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
      opened = sandbox.openToList(input, sandbox.lexical(input));
    } catch {
      return [];
    }
    try {
      const entries: Dirent[] = sandbox.shown(
        opened,
        await readdir(sandbox.child(opened, ""), { withFileTypes: true }),
      );
      const typedPath = (name: string) => (absolute ? `/${dir}${name}` : `${dir}${name}`);
      const values: string[] = [];
      for (const e of entries.filter((entry) => entry.name.startsWith(prefix)).sort(byName)) {
        // A FIFO, socket or device is never offered: a read of one is refused, as resources/list leaves it out.
        const leadsTo = e.isDirectory()
          ? "folder"
          : e.isSymbolicLink()
            ? linkTarget(sandbox, typedPath(e.name))
            : e.isFile()
              ? "file"
              : undefined;
        if (leadsTo === undefined || (folders && leadsTo !== "folder")) continue;
        if (values.length < MAX_COMPLETIONS && !mayOpen(sandbox.child(opened, e.name), leadsTo, e.isSymbolicLink()))
          continue;
        const slash = e.isDirectory() || (!folders && leadsTo === "folder") ? "/" : "";
        values.push(`${dir}${e.name}${slash}`);
      }
      return values;
    } catch {
      return [];
    } finally {
      closeSync(opened.fd);
    }
  };
}

const { O_RDONLY, O_DIRECTORY = 0, O_NOFOLLOW = 0, O_NONBLOCK = 0, O_NOCTTY = 0 } = constants;

/**
 * Whether the server's user may open what `at` reaches (a path through the listed folder's descriptor): read a
 * file (not through a link the listing did not find there); list a folder and enter it (`at/.` resolves only with
 * search permission). Opened, as a read would, so the answer is the kernel's for the process's effective user, ACLs
 * included. Another failure (gone meanwhile) is not a refusal of this user's and leaves the value offered.
 */
function mayOpen(at: string, leadsTo: "folder" | "file", link: boolean): boolean {
  try {
    const folder = leadsTo === "folder";
    const flags = folder ? O_DIRECTORY : O_NONBLOCK | O_NOCTTY | (link ? 0 : O_NOFOLLOW);
    closeSync(openSync(folder ? `${at}/.` : at, O_RDONLY | flags));
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== "EACCES" && code !== "EPERM";
  }
}

/**
 * What the symlink at `input` leads to that the tools may use (a folder or a regular file), if anything; opened
 * through the sandbox, as a tool would.
 */
function linkTarget(sandbox: Sandbox, input: string): "folder" | "file" | undefined {
  try {
    const opened = sandbox.open(input);
    closeSync(opened.fd);
    return opened.stat.isDirectory() ? "folder" : opened.stat.isFile() ? "file" : undefined;
  } catch {
    return undefined;
  }
}

/** The roots (without their leading "/", with a trailing one) that what was typed has not reached yet. */
function rootsStartingWith(sandbox: Sandbox, typed: string): string[] {
  return sandbox.realRoots
    .map((root) => `${root.slice(1)}/`)
    .filter((root) => root.startsWith(typed) && root.length > typed.length);
}
