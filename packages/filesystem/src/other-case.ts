// Globs are case-sensitive, as names are on Linux: "*.MD" finds no README.md, "readme*" no README.md. A search that
// finds nothing looks once more ignoring case, so the reply can say which names the model meant. It runs only then,
// and within what the call has left of its limits: the same time limit, and the scan limit less what the search saw.
import type { Progress } from "@mcp-toolkit/core";
import type { Budget } from "./budget.js";
import { type GlobMatcher, globMatcher } from "./glob.js";
import type { IgnoreWalk } from "./ignore-walk.js";
import { unambiguousRelative } from "./path-policy.js";
import { type Sandbox, ToolError } from "./sandbox.js";
import type { Opened } from "./sandbox-paths.js";
import { type WalkOptions, walk } from "./walk.js";

/** Names a glob matches ignoring case, the first of them, and whether the look was cut short (the count is a floor). */
export interface OtherCase {
  count: number;
  /** Undefined when none was found before the scan limit stopped the look (or left it no room to start). */
  first: string | undefined;
  partial: boolean;
  /** Entries the look saw before the scan limit stopped it (0: it could not start); undefined when it did not. */
  scanCut?: number | undefined;
}

/** What the walk of the search was, for the look that repeats it. */
export interface OtherCaseWalk {
  sandbox: Sandbox;
  path: string;
  dir: Opened;
  maxDepth: number;
  /** The call's scan limit, and the entries the search visited: the look visits at most the difference. */
  maxScan: number;
  visited: number;
  exclude: GlobMatcher | undefined;
  /** The search's ignore rules (uncounted: the search counted what they kept it from). */
  ignore: IgnoreWalk | undefined;
  /** The search's `enter`: the folders it does not go into, the look does not either. */
  enter: WalkOptions["enter"];
  budget: Budget;
  /** The search's progress: the look's entries count on from where the search stopped. */
  progress: Progress;
}

/** Whether ignoring case can change what `pattern` matches: it holds a letter that has another case. */
export function hasOtherCase(pattern: string): boolean {
  return pattern.toLowerCase() !== pattern.toUpperCase();
}

/**
 * The entries below `w.dir` that `pattern` matches ignoring case (`files`: files only, as a grep reads), or undefined
 * when there are none (or none were seen before the time ran out). Where the scan limit left no room for the look, or
 * stopped it before it found one, the answer says so (`scanCut`), so the reply is not taken for "none in any case".
 */
export async function otherCaseMatches(
  pattern: string,
  files: boolean,
  w: OtherCaseWalk,
): Promise<OtherCase | undefined> {
  const maxScan = w.maxScan - w.visited;
  if (!hasOtherCase(pattern) || w.budget.over) return undefined;
  if (maxScan <= 0) return { count: 0, first: undefined, partial: true, scanCut: 0 };
  let count = 0;
  let first: string | undefined;
  let stats: Awaited<ReturnType<typeof walk>>;
  try {
    stats = await walk(w.sandbox, w.path, w.dir, {
      maxDepth: w.maxDepth,
      maxScan,
      exclude: w.exclude,
      enter: w.enter,
      ignore: w.ignore,
      match: await globMatcher([pattern], true),
      budget: w.budget,
      progress: { report: (n) => w.progress.report(w.visited + n), during: (work) => work },
      onEntry: (entry) => {
        if (entry.matched && (!files || entry.type === "file")) {
          count++;
          first ??= unambiguousRelative(entry.rel) + (entry.type === "directory" ? "/" : "");
        }
        return true;
      },
    });
  } catch (error) {
    // A hint only: a name too costly to match ignoring case leaves the reply as it was.
    if (error instanceof ToolError) return undefined;
    throw error;
  }
  const scanCut = stats.scanCapped ? stats.visited : undefined;
  if (first === undefined && scanCut === undefined) return undefined;
  return { count, first, partial: stats.scanCapped || stats.timedOut || stats.cancelled, scanCut };
}
