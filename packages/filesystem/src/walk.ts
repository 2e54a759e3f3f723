import { closeSync, type Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import type { Progress } from "@mcp-toolkit/core";
import { quote } from "./path-policy.js";
import { type Opened, type Sandbox, ToolError } from "./sandbox.js";

/** What an entry is; symlinks are reported, never followed by walks. */
export type EntryType = "file" | "directory" | "symlink" | "other";

/** One entry met during a walk. `rel` uses "/" and is relative to the walk's start. */
export interface WalkEntry {
  rel: string;
  name: string;
  type: EntryType;
  depth: number;
}

/** How a walk went: entries visited, whether it stopped early, directories it could not read. */
export interface WalkStats {
  visited: number;
  /** The scan limit stopped the walk. */
  scanCapped: boolean;
  unreadable: number;
}

export interface WalkOptions {
  maxDepth: number;
  maxScan: number;
  /** Skip an entry (and, for a directory, everything under it). */
  exclude?: ((rel: string, name: string) => boolean) | undefined;
  signal?: AbortSignal | undefined;
  /** Told how many entries the walk has seen, for a long walk's progress notifications. */
  progress?: Progress | undefined;
  /** Called for each entry in name order, depth first; return false to stop the walk. */
  onEntry(entry: WalkEntry, parent: Opened): boolean | Promise<boolean>;
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
  const stats: WalkStats = { visited: 0, scanCapped: false, unreadable: 0 };
  let stopped = false;
  const visit = async (dir: Opened, rel: string, depth: number): Promise<void> => {
    let dirents: Dirent[];
    try {
      dirents = sandbox.shown(dir, await readdir(sandbox.child(dir, ""), { withFileTypes: true }));
    } catch {
      stats.unreadable++;
      return;
    }
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of dirents) {
      if (stopped || options.signal?.aborted) return;
      if (stats.visited >= options.maxScan) {
        stats.scanCapped = true;
        stopped = true;
        return;
      }
      stats.visited++;
      options.progress?.report(stats.visited, undefined, `${stats.visited} entries seen`);
      const childRel = rel ? `${rel}/${d.name}` : d.name;
      if (options.exclude?.(childRel, d.name)) continue;
      const type = entryType(d);
      if ((await options.onEntry({ rel: childRel, name: d.name, type, depth }, dir)) === false) {
        stopped = true;
        return;
      }
      if (type !== "directory" || depth >= options.maxDepth) continue;
      let sub: Opened;
      try {
        sub = sandbox.open(input, sandbox.child(dir, d.name));
      } catch {
        stats.unreadable++;
        continue;
      }
      try {
        if (sub.stat.isDirectory()) await visit(sub, childRel, depth + 1);
      } finally {
        closeSync(sub.fd);
      }
    }
  };
  await visit(start, "", 1);
  return stats;
}

/** A matcher for glob patterns (picomatch, loaded on first use), testing both the relative path and the name. */
export async function globMatcher(patterns: readonly string[]): Promise<(rel: string, name: string) => boolean> {
  const { default: picomatch } = await import("picomatch");
  for (const pattern of patterns) {
    let source: string;
    try {
      source = picomatch.makeRe(pattern, { dot: true }).source;
    } catch (error) {
      throw new ToolError(`glob ${quote(pattern)}: ${(error as Error).message}; use a shorter, simpler glob`);
    }
    if (repetitions(source) > MAX_GLOB_REPETITIONS) {
      throw new ToolError(
        `glob ${quote(pattern)}: more than ${MAX_GLOB_REPETITIONS} wildcards that repeat (* ** *(…) +(…)) can make matching one name run for minutes; use fewer, e.g. *foo*bar*`,
      );
    }
  }
  const withSlash = patterns.filter((p) => p.includes("/"));
  const bare = patterns.filter((p) => !p.includes("/"));
  const full = withSlash.length ? picomatch(withSlash, { dot: true }) : undefined;
  const base = bare.length ? picomatch(bare, { dot: true }) : undefined;
  return (rel, name) => (base?.(name) || base?.(rel) || full?.(rel)) ?? false;
}

/** Most repeating parts a glob's regex may have: each multiplies the backtracking on a long name. */
export const MAX_GLOB_REPETITIONS = 3;

/** How many unbounded quantifiers (* + {n,}) a regex source has, outside escapes and character classes. */
export function repetitions(source: string): number {
  let count = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "*" || c === "+" || (c === "{" && /^\{\d+,\}/.test(source.slice(i, i + 12)))) count++;
  }
  return count;
}
