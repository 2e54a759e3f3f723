import { closeSync, type Dirent } from "node:fs";
import path from "node:path";
import { type Progress, plural } from "@mcp-toolkit/core";
import { type Budget, BudgetExceeded } from "./budget.js";
import { atFileLimit } from "./errors.js";
import type { GlobMatcher } from "./glob.js";
import type { Sandbox } from "./sandbox.js";
import type { Opened } from "./sandbox-paths.js";
import {
  byName,
  countUnreadable,
  type EntryType,
  entryType,
  readEntriesSync,
  startingStats,
  unreachableName,
  type WalkStats,
} from "./walk.js";

/** One entry a level walk met, in the order met: level by level, each directory's entries in name order. */
export interface TreeNode {
  rel: string;
  name: string;
  type: EntryType;
  depth: number;
  /** Index of its directory among the nodes; -1 for the walk's start. */
  parent: number;
  /** A directory whose entries were read (they are the nodes whose parent it is). */
  read?: boolean;
  /** A directory `enter` kept the walk out of (a version-control folder): shown, never expanded. */
  passed?: boolean;
  /** A directory that could not be opened or read (permissions, say): shown, and counted in `stats.unreadable`. */
  unreadable?: boolean;
  /** Named in bytes that are not UTF-8 on disk: shown with U+FFFD, a name no tool (nor the walk) can open it by. */
  notUtf8?: boolean;
}

export interface LevelWalkOptions {
  maxDepth: number;
  maxScan: number;
  /** Skip the entries these globs match (and, for a directory, everything under it). */
  exclude?: GlobMatcher | undefined;
  budget: Budget;
  progress?: Progress | undefined;
  /** Whether to read a directory's entries (as a level of its own); default every one's. */
  enter?: ((node: TreeNode) => boolean) | undefined;
  /** Asked before each level after the first, with the nodes so far: false stops the walk there. */
  deeper(nodes: readonly TreeNode[]): boolean;
  /**
   * Entries of one level met before its next directory is left unread (so, with the walk, deeper ones): a level too big
   * to show whole costs what a share of it is worth, not the whole scan limit.
   */
  levelRead: number;
}

/** A directory whose entries are the next level: its node, and where it is. */
interface Pending {
  index: number;
  real: string;
}

/**
 * Breadth-first walk below an opened, verified directory: every entry at depth 1, then at depth 2, and so on, so a cap
 * on what is shown is spent on the shallow levels first. Each directory is opened by the real path its parent's
 * listing gave and verified before it is read, so one swapped for a symlink cannot lead outside the workspace; no more
 * than one is open at a time.
 */
export async function walkLevels(
  sandbox: Sandbox,
  input: string,
  start: Opened,
  options: LevelWalkOptions,
): Promise<{ nodes: TreeNode[]; stats: WalkStats; stoppedDeeper: boolean; levelCut: boolean }> {
  const { budget } = options;
  const stats = startingStats();
  const nodes: TreeNode[] = [];
  let stopped = false;
  /** Marks the directory at `index` (-1: the start) as one that could not be read, and counts it. */
  const unreadable = (index: number, error: unknown) => {
    const node = nodes[index];
    if (node) node.unreadable = true;
    countUnreadable(stats.unreadable, node?.rel ?? "", error);
  };
  /** Reads one directory's entries into `nodes`; the directories among them are returned, to be read next. */
  const readDir = async (dir: Opened, from: Pending, depth: number): Promise<Pending[]> => {
    await budget.shareTurn();
    let dirents: Dirent[];
    try {
      dirents = sandbox.shown(dir, readEntriesSync(sandbox.child(dir, ""), options.maxScan - stats.visited));
    } catch (error) {
      // Out of descriptors, the directory is not unreadable: passing over it would report its files as not there.
      if (atFileLimit(error)) throw sandbox.fsError(input, error);
      unreadable(from.index, error);
      return [];
    }
    dirents.sort(byName);
    const parentRel = from.index === -1 ? "" : `${(nodes[from.index] as TreeNode).rel}/`;
    const items = dirents.slice(0, options.maxScan - stats.visited + 1).map((d) => ({
      name: d.name,
      rel: `${parentRel}${d.name}`,
      dir: d.isDirectory(),
    }));
    let excluded: boolean[] | undefined;
    try {
      excluded = await options.exclude?.test(items, budget);
    } catch (error) {
      if (!(error instanceof BudgetExceeded)) throw error;
      excluded = [];
      stopped = true;
    }
    const parent = nodes[from.index];
    if (parent) parent.read = true;
    const next: Pending[] = [];
    for (const [index, d] of dirents.entries()) {
      if (stopped || budget.over) {
        stopped = true;
        break;
      }
      if (stats.visited >= options.maxScan) {
        stats.scanCapped = true;
        stopped = true;
        break;
      }
      stats.visited++;
      options.progress?.report(stats.visited, undefined, `${plural(stats.visited, "entry", "entries")} seen`);
      if (excluded?.[index]) continue;
      const type = entryType(d);
      const node: TreeNode = { rel: items[index]?.rel ?? d.name, name: d.name, type, depth, parent: from.index };
      if (unreachableName(sandbox, dir, d.name)) node.notUtf8 = true;
      nodes.push(node);
      if (type !== "directory" || node.notUtf8) continue;
      if (options.enter?.(node) === false) node.passed = true;
      else if (depth < options.maxDepth) next.push({ index: nodes.length - 1, real: path.join(dir.real, d.name) });
    }
    return next;
  };
  let level: Pending[] = [{ index: -1, real: start.real }];
  let stoppedDeeper = false;
  /** `levelRead` left a directory of a level unread. */
  let levelCut = false;
  // A level left in part is the last: one below it would show some directories' entries and not others'.
  for (let depth = 1; level.length > 0 && !stopped && !levelCut; depth++) {
    if (depth > 1 && !options.deeper(nodes)) {
      stoppedDeeper = true;
      break;
    }
    const next: Pending[] = [];
    const before = stats.visited;
    for (const pending of level) {
      if (stopped) break;
      if (stats.visited - before >= options.levelRead) {
        levelCut = true;
        break;
      }
      if (pending.index === -1) {
        next.push(...(await readDir(start, pending, depth)));
        continue;
      }
      let dir: Opened;
      try {
        dir = sandbox.open(input, pending.real);
      } catch (error) {
        if (atFileLimit(error)) throw sandbox.fsError(input, error);
        unreadable(pending.index, error);
        continue;
      }
      try {
        if (dir.stat.isDirectory()) next.push(...(await readDir(dir, pending, depth)));
      } finally {
        closeSync(dir.fd);
      }
    }
    level = next;
  }
  stats.timedOut = stopped && budget.expired;
  stats.cancelled = stopped && budget.cancelled;
  return { nodes, stats, stoppedDeeper, levelCut };
}
