import { closeSync, type Dirent, lstatSync, opendirSync } from "node:fs";
import { type Progress, plural } from "@mcp-toolkit/core";
import { type Budget, BudgetExceeded } from "./budget.js";
import { atFileLimit, errnoReason, notFound } from "./errors.js";
import type { GlobMatcher } from "./glob.js";
import type { IgnoreScope } from "./ignore-rules.js";
import type { IgnoreWalk } from "./ignore-walk.js";
import type { Sandbox } from "./sandbox.js";
import type { Opened } from "./sandbox-paths.js";
import { mayBeNotUtf8 } from "./shown-name.js";

/** What an entry is; symlinks are reported, never followed by walks. */
export type EntryType = "file" | "directory" | "symlink" | "other";

/** One entry met during a walk. `rel` uses "/" and is relative to the walk's start. */
export interface WalkEntry {
  rel: string;
  name: string;
  type: EntryType;
  depth: number;
  /** Whether the walk's `match` globs take it (true when there are none). */
  matched: boolean;
  /** Named in bytes that are not UTF-8 on disk: shown with U+FFFD, a name no tool (nor the walk) can open it by. */
  notUtf8?: boolean;
}

/** How a walk went: entries visited, whether it stopped early, directories it could not read. */
export interface WalkStats {
  visited: number;
  /** The scan limit stopped the walk. */
  scanCapped: boolean;
  unreadable: Unreadable;
  /** Entries named in bytes that are not UTF-8 on disk, never entered or read: how many, and the first (relative). */
  notUtf8: { count: number; first?: string };
  /** The call's time budget ran out: what was found so far is all there is. */
  timedOut: boolean;
  /** The caller cancelled the call: the walk stopped there. */
  cancelled: boolean;
}

/** A walk's stats before its first entry. */
export function startingStats(): WalkStats {
  return {
    ...{ visited: 0, scanCapped: false, unreadable: { count: 0 }, notUtf8: { count: 0 } },
    ...{ timedOut: false, cancelled: false },
  };
}

/** Directories a walk could not open or read (permissions, say): how many, the first (relative), and why. */
export interface Unreadable {
  count: number;
  first?: string;
  reason?: string;
}

/** Count a directory the walk passed over as unreadable, keeping the first and the reason its error gives. */
export function countUnreadable(unreadable: Unreadable, rel: string, error: unknown): void {
  unreadable.count++;
  if (unreadable.first !== undefined) return;
  unreadable.first = rel;
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: unknown };
  unreadable.reason = errnoReason(String(code ?? cause));
}

/** Whether a listed name cannot be reached by its decoded form: bytes that are not UTF-8 became U+FFFD. */
export function unreachableName(sandbox: Sandbox, dir: Opened, name: string): boolean {
  if (!mayBeNotUtf8(name)) return false;
  try {
    lstatSync(sandbox.child(dir, name));
    return false;
  } catch (error) {
    return notFound(error);
  }
}

/** The note on the directories (or files) a walk could not read, `first` being the first as the caller names it. */
export function unreadableNote(
  { count, reason }: Unreadable,
  first: string,
  left: string,
  what: "directory" | "file" = "directory",
): string {
  const named = `${count > 1 ? "the first " : ""}${first}${reason === undefined ? "" : `: ${reason}`}`;
  const noun = what === "file" ? plural(count, "file") : plural(count, "directory", "directories");
  return `[${noun} could not be read (${named}): ${left}]`;
}

export interface WalkOptions {
  maxDepth: number;
  maxScan: number;
  /** Skip the entries these globs match (and, for a directory, everything under it). */
  exclude?: GlobMatcher | undefined;
  /** Mark the entries these globs match (`WalkEntry.matched`). */
  match?: GlobMatcher | undefined;
  /** The call's time limit and cancel signal; the walk stops when either says so. */
  budget: Budget;
  /** Told how many entries the walk has seen, for a long walk's progress notifications. */
  progress?: Progress | undefined;
  /** .gitignore and .ignore rules: the entries they ignore are passed over (each counted as visited, as excluded ones). */
  ignore?: IgnoreWalk | undefined;
  /** Whether to go into a directory met (after onEntry has seen it); default every one. */
  enter?: ((entry: WalkEntry) => boolean) | undefined;
  /** Resume after this entry (its path's names): what comes before it, or is it, is passed over unread and uncounted. */
  after?: readonly string[] | undefined;
  /** Called for each entry in name order, depth first; return false to stop the walk. */
  onEntry(entry: WalkEntry, parent: Opened): boolean | Promise<boolean>;
}

/** Entries in name order, by code unit (as `ls` with LC_ALL=C), the same on every machine. */
export function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * At most `max` + 1 entries of the directory at `path`, in the order the file system gives them, so that one
 * directory of millions costs no more time and memory than the scan limit allows (one more tells that there are more).
 * Synchronous: `opendir`'s async iterator settles a promise per entry, 3-4 times slower than this or `readdir`, and the
 * cap keeps one call within a few tens of ms.
 */
export function readEntriesSync(path: string, max: number): Dirent[] {
  const dir = opendirSync(path, { bufferSize: 1024 });
  try {
    const out: Dirent[] = [];
    for (let d = dir.readSync(); d !== null && out.length <= max; d = dir.readSync()) out.push(d);
    return out;
  } finally {
    dir.closeSync();
  }
}

/** The type of a directory entry. */
export function entryType(d: Dirent): EntryType {
  if (d.isSymbolicLink()) return "symlink";
  if (d.isDirectory()) return "directory";
  if (d.isFile()) return "file";
  return "other";
}

/**
 * Depth-first walk below an opened, verified directory. Each subdirectory is opened through its
 * parent's descriptor and verified before it is read, so a directory swapped for a symlink mid-walk
 * cannot lead outside the workspace.
 */
export async function walk(sandbox: Sandbox, input: string, start: Opened, options: WalkOptions): Promise<WalkStats> {
  const stats = startingStats();
  let stopped = false;
  const visit = async (dir: Opened, rel: string, depth: number, outer?: IgnoreScope, after?: readonly string[]) => {
    // Directories are read synchronously: between them, other calls (and a cancellation) get a turn now and then.
    await options.budget.shareTurn();
    let dirents: Dirent[];
    try {
      dirents = sandbox.shown(dir, readEntriesSync(sandbox.child(dir, ""), options.maxScan - stats.visited));
    } catch (error) {
      // Out of descriptors, the directory is not unreadable: passing over it would report its files as not there.
      if (atFileLimit(error)) throw sandbox.fsError(input, error);
      countUnreadable(stats.unreadable, rel, error);
      return;
    }
    dirents.sort(byName);
    // Resuming: the entries before the one resumed after are pruned whole (never read below), that one is entered.
    const [resumeAt, ...resumeBelow] = after ?? [];
    if (resumeAt !== undefined) dirents = dirents.filter((d) => d.name >= resumeAt);
    const scope = options.ignore?.within(outer, dir, rel, dirents);
    // Globs are matched a directory at a time, in stoppable slices (see budget.ts), never one name at a time.
    const items = dirents.slice(0, options.maxScan - stats.visited + 1).map((d) => ({
      name: d.name,
      rel: rel ? `${rel}/${d.name}` : d.name,
      dir: d.isDirectory(),
    }));
    let excluded: boolean[] | undefined;
    let matched: boolean[] | undefined;
    try {
      excluded = await options.exclude?.test(items, options.budget);
      matched = await options.match?.test(items, options.budget);
    } catch (error) {
      if (!(error instanceof BudgetExceeded)) throw error;
      stats.timedOut = options.budget.expired;
      stats.cancelled = options.budget.cancelled;
      stopped = true;
      return;
    }
    for (const [index, d] of dirents.entries()) {
      if (stopped) return;
      if (options.budget.over) {
        stats.timedOut = options.budget.expired;
        stats.cancelled = options.budget.cancelled;
        stopped = true;
        return;
      }
      if (stats.visited >= options.maxScan) {
        stats.scanCapped = true;
        stopped = true;
        return;
      }
      const resumed = d.name === resumeAt;
      if (!resumed) stats.visited++;
      options.progress?.report(stats.visited, undefined, `${plural(stats.visited, "entry", "entries")} seen`);
      if (excluded?.[index]) continue;
      const childRel = items[index]?.rel ?? d.name;
      const type = entryType(d);
      if (options.ignore?.ignores(scope, childRel, type === "directory")) continue;
      const entry: WalkEntry = { rel: childRel, name: d.name, type, depth, matched: matched?.[index] ?? true };
      if (unreachableName(sandbox, dir, d.name)) {
        entry.notUtf8 = true;
        // Counted where it kept something from the search: a name the globs take, or a directory never entered.
        if (entry.matched || type === "directory") {
          stats.notUtf8.count++;
          stats.notUtf8.first ??= childRel;
        }
      }
      // Most entries answer synchronously: awaiting only a promise spares the walk a microtask per entry.
      let keep = resumed || options.onEntry(entry, dir);
      if (typeof keep !== "boolean") keep = await keep;
      if (!keep) {
        stopped = true;
        return;
      }
      if (type !== "directory" || entry.notUtf8 || depth >= options.maxDepth || options.enter?.(entry) === false)
        continue;
      let sub: Opened;
      try {
        sub = sandbox.open(input, sandbox.child(dir, d.name));
      } catch (error) {
        if (atFileLimit(error)) throw sandbox.fsError(input, error);
        countUnreadable(stats.unreadable, childRel, error);
        continue;
      }
      try {
        if (sub.stat.isDirectory()) await visit(sub, childRel, depth + 1, scope, resumed ? resumeBelow : undefined);
      } finally {
        closeSync(sub.fd);
      }
    }
  };
  await visit(start, "", 1, await options.ignore?.above(start, options.budget), options.after);
  return stats;
}
