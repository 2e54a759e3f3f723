import { closeSync } from "node:fs";
import { defineTool, ok, wholeNumberProblem } from "@mcp-toolkit/core";
import { z } from "zod";
import { Budget } from "../budget.js";
import { globMatcher } from "../glob.js";
import type { Context } from "../options.js";
import { underPath } from "../path-policy.js";
import { ToolError } from "../sandbox.js";
import { quotedName, shownName } from "../shown-name.js";
import { chooseEntries } from "../tree-budget.js";
import { costOf, drawTree } from "../tree-draw.js";
import { type PartDir, treeNotes } from "../tree-notes.js";
import { type TreeNode, walkLevels } from "../tree-walk.js";
import { isVcsDir } from "../vcs-dirs.js";
import { unreadableNote } from "../walk.js";

const OUTPUT = {
  path: z.string(),
  entries: z.array(z.object({ path: z.string(), type: z.enum(["file", "directory", "symlink", "other"]) })),
  truncated: z.boolean(),
};

/** Entries (times --max-entries) of a level read at most: past them, a level too big to show whole is read no further. */
const LEVEL_READ = 5;

/** Bytes of the reply kept for its notes (but the names of directories shown in part, which take what is left). */
const NOTES_BYTES = 640;

/** directory_tree: an indented tree, bounded in depth, entries and bytes; shallow levels are shown first. */
export function directoryTreeTool(ctx: Context) {
  return defineTool({
    name: "directory_tree",
    title: "Directory tree",
    description: `Indented directory tree (dirs end in /, symlinks unfollowed); max ${ctx.limits.maxEntries} entries.`,
    inputSchema: {
      path: z.string().optional().describe('Default "."'),
      maxDepth: z.number().optional().describe(`Default 3, max ${ctx.limits.maxDepth}`),
      exclude: z.array(z.string()).optional().describe("Globs to skip"),
    },
    outputSchema: OUTPUT,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: async ({ path = ".", maxDepth = 3, exclude }, call) => {
      const { sandbox, limits } = ctx;
      const problem = wholeNumberProblem(maxDepth, "maxDepth", { min: 1 });
      if (problem) throw new ToolError(problem);
      const depth = Math.min(maxDepth, limits.maxDepth);
      const excluded = exclude?.length ? await globMatcher(exclude) : undefined;
      const budget = new Budget(limits.searchTimeoutMs, call.signal);
      const dir = sandbox.openToList(path, sandbox.lexical(path));
      try {
        const shown = sandbox.display(dir.real);
        const head = `${shownName(shown)}/`;
        // The tree's first line and its structured copy's path and keys are part of the reply too.
        const fixed =
          Buffer.byteLength(head) + Buffer.byteLength(JSON.stringify({ path: shown, entries: [], truncated: false }));
        const room = limits.maxResponseBytes - NOTES_BYTES - fixed;
        const costs: number[] = [];
        let bytes = 0;
        const { nodes, stats, stoppedDeeper, levelCut } = await walkLevels(sandbox, path, dir, {
          maxDepth: depth,
          maxScan: limits.maxScanEntries,
          // A repository's .git would take most of a tree's entries (.git/objects alone, 256 folders at depth 3).
          enter: (node) => !isVcsDir(node.name),
          exclude: excluded,
          budget,
          progress: call.progress,
          // A level that does not fit is shared out among the directories read before this many of its entries.
          levelRead: LEVEL_READ * limits.maxEntries,
          // The next level is read only while the levels so far leave room: a tree costs what it shows, and a level.
          deeper: (met) => {
            for (const n of met.slice(costs.length)) bytes += costs[costs.push(costOf(n)) - 1] as number;
            return met.length < limits.maxEntries && bytes < room;
          },
        });
        for (const n of nodes.slice(costs.length)) costs.push(costOf(n));
        const items = nodes.map((n, i) => ({ depth: n.depth, parent: n.parent, cost: costs[i] as number }));
        const stopped = stats.timedOut || stats.cancelled;
        const more: string[] = [];
        if (stopped) more.push(budget.stoppedNote(stats.visited, ctx.names("searchTimeoutMs")));
        const { first } = stats.unreadable;
        if (first !== undefined)
          more.push(unreadableNote(stats.unreadable, quotedName(`${underPath(path, first)}/`), "entries not shown"));
        /** The reply when the entries shown may take `room` bytes. */
        const reply = (room: number) => {
          const choice = chooseEntries(items, limits.maxEntries, room);
          const { lines, entries, unexpanded, partDirs, passed } = drawTree(nodes, choice.shown);
          const full = choice.partDepth !== undefined || stoppedDeeper || levelCut;
          const end = {
            shown: entries.length,
            cap: full
              ? entries.length >= limits.maxEntries
                ? `the limit set by ${ctx.names("maxEntries")}`
                : `as many as fit in one reply, whose size is set by ${ctx.names("maxResponseBytes")}`
              : stats.scanCapped
                ? `${stats.visited} scanned, the limit set by ${ctx.names("maxScanEntries")}`
                : undefined,
            capped: full,
            part:
              choice.partDepth === undefined
                ? undefined
                : { ...partOf(nodes, choice.shown, choice.partDepth, partDirs), more: levelCut || stats.scanCapped },
            wholeTo: nodes.reduce((deepest, n, i) => (choice.shown[i] ? Math.max(deepest, n.depth) : deepest), 0),
            unexpanded: { count: unexpanded.length, depths: unexpanded },
            // Past the server's own cap a larger maxDepth changes nothing, and a tree cut at the entry cap would only
            // be cut sooner: a deeper start is the way in.
            deeper:
              full || stats.scanCapped
                ? "call directory_tree on one of them to see inside (a larger maxDepth would reach the entry cap sooner)"
                : depth === limits.maxDepth
                  ? `${depth} is this server's limit, set by ${ctx.names("maxDepth")}; call directory_tree on one of them to go deeper`
                  : `raise maxDepth (up to ${limits.maxDepth})`,
            nameRoom: 0,
            passed: {
              count: passed.length,
              first: passed[0] && (path === "." ? passed[0] : `${path.replace(/\/+$/, "")}/${passed[0]}`),
            },
          };
          if (entries.length === 0 && !full) lines.push("[empty directory]");
          const data = { path: shown, entries, truncated: full || stats.scanCapped || stopped };
          const text = (notes: string[]) => [head, ...lines.map((l) => `  ${l}`), ...notes, ...more].join("\n");
          // What the reply holds without naming the directories shown in part leaves the room to name them.
          const size = Buffer.byteLength(text(treeNotes(end))) + Buffer.byteLength(JSON.stringify(data));
          const named = text(treeNotes({ ...end, nameRoom: limits.maxResponseBytes - size }));
          return { text: named, data, size: Buffer.byteLength(named) + Buffer.byteLength(JSON.stringify(data)) };
        };
        let out = reply(room);
        // The notes are as long as they are once written: where they run past the cap, fewer entries make room.
        for (let tries = 0; out.size > limits.maxResponseBytes && tries < 3; tries++) {
          out = reply(room - (out.size - limits.maxResponseBytes) - 64 * (tries + 1));
        }
        return ok(out.text, out.data);
      } finally {
        closeSync(dir.fd);
      }
    },
  });
}

/** The level shown in part: its entries shown and met, and its directories shown with some of their entries. */
function partOf(nodes: readonly TreeNode[], shown: readonly boolean[], depth: number, dirs: readonly PartDir[]) {
  let of = 0;
  let some = 0;
  nodes.forEach((n, i) => {
    if (n.depth !== depth) return;
    of++;
    if (shown[i]) some++;
  });
  return { depth, shown: some, of, dirs };
}
