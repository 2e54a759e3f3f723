import { closeSync } from "node:fs";
import { defineTool, ok, plural, wholeNumberProblem } from "@mcp-toolkit/core";
import { z } from "zod";
import { Budget } from "../budget.js";
import { globMatcher } from "../glob.js";
import type { Context } from "../options.js";
import { unambiguousRelative } from "../path-policy.js";
import { ToolError } from "../sandbox.js";
import { shownName } from "../shown-name.js";
import { type EntryType, walk } from "../walk.js";

const OUTPUT = {
  path: z.string(),
  entries: z.array(z.object({ path: z.string(), type: z.enum(["file", "directory", "symlink", "other"]) })),
  truncated: z.boolean(),
};

/** directory_tree: an indented tree, bounded in depth, entries and bytes. */
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
      const dir = sandbox.openDir(path, sandbox.lexical(path));
      try {
        const entries: { path: string; type: EntryType }[] = [];
        const lines: string[] = [];
        let room = limits.maxResponseBytes - 400;
        let full = false;
        /** Which cap cut the tree: the entry cap, or the reply's size (long names fill it before 1000 entries). */
        let cutBy: "maxEntries" | "maxResponseBytes" = "maxEntries";
        let unexpanded = 0;
        const stats = await walk(sandbox, path, dir, {
          maxDepth: depth,
          maxScan: limits.maxScanEntries,
          exclude: excluded,
          budget,
          progress: call.progress,
          onEntry: (entry) => {
            const line = `${"  ".repeat(entry.depth - 1)}${shownName(entry.name)}${entry.type === "directory" ? "/" : entry.type === "symlink" ? " -> (symlink)" : ""}`;
            const item = { path: unambiguousRelative(entry.rel), type: entry.type };
            room -= Buffer.byteLength(line) + Buffer.byteLength(JSON.stringify(item)) + 2;
            if (entries.length >= limits.maxEntries || room < 0) {
              full = true;
              if (entries.length < limits.maxEntries) cutBy = "maxResponseBytes";
              return false;
            }
            if (entry.type === "directory" && entry.depth === depth) unexpanded++;
            lines.push(line);
            entries.push(item);
            return true;
          },
        });
        const notes: string[] = [];
        if (full || stats.scanCapped) {
          const cap = full
            ? cutBy === "maxEntries"
              ? `the limit set by ${ctx.names("maxEntries")}`
              : `as many as fit in one reply, whose size is set by ${ctx.names("maxResponseBytes")}`
            : `${stats.visited} scanned, the limit set by ${ctx.names("maxScanEntries")}`;
          notes.push(
            `[stopped after ${entries.length} entries (${cap}); call directory_tree on a subdirectory, lower maxDepth, or add exclude]`,
          );
        }
        const stopped = stats.timedOut || stats.cancelled;
        if (stopped) notes.push(budget.stoppedNote(stats.visited, ctx.names("searchTimeoutMs")));
        if (unexpanded > 0) {
          // Past the server's own cap a larger maxDepth changes nothing, and a tree cut at the entry cap would only be
          // cut sooner: a deeper start is the way in.
          const deeper =
            full || stats.scanCapped
              ? "call directory_tree on one of them to see inside (a larger maxDepth would reach the entry cap sooner)"
              : depth === limits.maxDepth
                ? `${depth} is this server's limit, set by ${ctx.names("maxDepth")}; call directory_tree on one of them to go deeper`
                : `raise maxDepth (up to ${limits.maxDepth})`;
          notes.push(`[${plural(unexpanded, "directory", "directories")} at depth ${depth} not expanded; ${deeper}]`);
        }
        if (stats.unreadable > 0) {
          notes.push(`[${plural(stats.unreadable, "directory", "directories")} could not be read]`);
        }
        if (entries.length === 0 && !full) lines.push("[empty directory]");
        const shown = sandbox.display(dir.real);
        return ok([`${shownName(shown)}/`, ...lines.map((l) => `  ${l}`), ...notes].join("\n"), {
          path: shown,
          entries,
          truncated: full || stats.scanCapped || stopped,
        });
      } finally {
        closeSync(dir.fd);
      }
    },
  });
}
