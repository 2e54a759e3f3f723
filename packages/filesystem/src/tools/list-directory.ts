import { closeSync, lstatSync } from "node:fs";
import { defineTool, ok, plural } from "@mcp-toolkit/core";
import { z } from "zod";
import { notFound } from "../errors.js";
import type { Context } from "../options.js";
import { mayBeNotUtf8, NOT_UTF8_NAME, shownName } from "../shown-name.js";
import { formatBytes } from "../text.js";
import { byName, type EntryType, entryType, readEntriesSync } from "../walk.js";

const TAGS: Record<EntryType, string> = { file: "[FILE]", directory: "[DIR] ", symlink: "[LINK]", other: "[OTHER]" };

const UNSEARCHABLE =
  "[the server's user may list this folder but not enter it (it lacks search, x, permission): sizes are not shown, and no tool can open what is in it; ask the user to grant that permission]";

const INPUT = { path: z.string().optional().describe('Default "."') };
const OUTPUT = {
  path: z.string(),
  entries: z.array(
    z.object({
      name: z.string(),
      type: z.enum(["file", "directory", "symlink", "other"]),
      size: z.number().optional(),
    }),
  ),
  total: z.number(),
  omitted: z.number(),
  scanCapped: z.boolean().optional(),
};

/** list_directory: one directory's entries, typed and sized, capped with a count of what was left out. */
export function listDirectoryTool(ctx: Context) {
  return defineTool({
    name: "list_directory",
    title: "List directory",
    description: `List a directory: [DIR]/[FILE]/[LINK] with sizes; max ${ctx.limits.maxEntries} entries, rest counted.`,
    inputSchema: INPUT,
    outputSchema: OUTPUT,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: async ({ path = "." }) => {
      const { sandbox, limits } = ctx;
      const dir = sandbox.openToList(path, sandbox.lexical(path));
      try {
        const read = sandbox.call(path, () => readEntriesSync(sandbox.child(dir, ""), limits.maxScanEntries));
        const scanCapped = read.length > limits.maxScanEntries;
        const dirents = sandbox.shown(dir, scanCapped ? read.slice(0, limits.maxScanEntries) : read);
        dirents.sort(byName);
        const shown = sandbox.display(dir.real);
        const entries: { name: string; type: EntryType; size?: number }[] = [];
        const lines: string[] = [];
        // Text and structured copies both count against the response cap.
        let budget = limits.maxResponseBytes - 300;
        // A folder the server's user may read but not search (mode 644) lists its names, and no entry can be reached.
        let unsearchable = false;
        for (const d of dirents) {
          if (entries.length >= limits.maxEntries) break;
          const type = entryType(d);
          let size: number | undefined;
          let unreachable = false;
          if (type === "file" || mayBeNotUtf8(d.name)) {
            try {
              const stat = lstatSync(sandbox.child(dir, d.name));
              if (type === "file") size = stat.size;
            } catch (error) {
              unsearchable ||= (error as NodeJS.ErrnoException).code === "EACCES";
              // Vanished since readdir (listed without a size), or named in bytes that are not UTF-8: decoded, the
              // name has U+FFFD where they were, and no tool can open it by that name.
              unreachable = mayBeNotUtf8(d.name) && notFound(error);
            }
          }
          const line = `${TAGS[type]} ${shownName(d.name)}${type === "directory" ? "/" : ""}${size === undefined ? "" : ` (${formatBytes(size)})`}${unreachable ? ` ${NOT_UTF8_NAME}` : ""}`;
          const entry = size === undefined ? { name: d.name, type } : { name: d.name, type, size };
          budget -= Buffer.byteLength(line) + Buffer.byteLength(JSON.stringify(entry)) + 2;
          if (budget < 0) break;
          lines.push(line);
          entries.push(entry);
        }
        const omitted = dirents.length - entries.length;
        if (dirents.length === 0) lines.push("[empty directory]");
        if (unsearchable) lines.push(UNSEARCHABLE);
        if (scanCapped) {
          lines.push(
            `[over ${limits.maxScanEntries} entries, the limit set by ${ctx.names("maxScanEntries")}: the list is sorted from the first ${limits.maxScanEntries} read, not from all of them]`,
          );
        } else if (omitted > 0) {
          lines.push(
            `[${plural(omitted, "more entry", "more entries")} not shown; search_files with a pattern narrows the list]`,
          );
        }
        // The official server has a tool to list its roots; here the listing a model starts with names the others.
        const [first, ...others] = sandbox.realRoots;
        if (others.length > 0 && dir.real === first) {
          lines.push(`[other workspace roots, reached by absolute path: ${others.join(", ")}]`);
        }
        return ok(lines.join("\n"), {
          path: shown,
          entries,
          total: dirents.length,
          omitted,
          ...(scanCapped ? { scanCapped } : {}),
        });
      } finally {
        closeSync(dir.fd);
      }
    },
  });
}
