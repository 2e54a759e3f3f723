import { closeSync, lstatSync, rmdirSync, unlinkSync } from "node:fs";
import path from "node:path";
import { defineTool, ok, unconfirmed } from "@mcp-toolkit/core";
import { z } from "zod";
import { folderNotWritable } from "../errors.js";
import type { Context } from "../options.js";
import { quote } from "../path-policy.js";
import { ToolError } from "../sandbox.js";
import type { Opened } from "../sandbox-paths.js";
import { shownName } from "../shown-name.js";
import { formatBytes } from "../text.js";

const INPUT = { path: z.string().describe("Path") };

/** delete_file: remove one file, symlink or empty directory; never recursive. */
export function deleteFileTool(ctx: Context) {
  return defineTool({
    name: "delete_file",
    title: "Delete file",
    description: "Delete a file, a symlink (not its target) or an empty dir.",
    inputSchema: INPUT,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    handler: async ({ path: input }, call) => {
      const { sandbox } = ctx;
      const lex = sandbox.lexical(input);
      if (sandbox.isRoot(lex)) throw new ToolError(`${quote(input)}: the workspace root cannot be deleted`);
      const dir = sandbox.openDir(input, path.dirname(lex));
      try {
        const real = sandbox.mutable(input, dir, path.basename(lex));
        const target = sandbox.child(dir, path.basename(lex));
        const stat = sandbox.call(input, () => lstatSync(target));
        // An empty directory holds nothing to lose; a file or a link does.
        if (ctx.confirm === "destructive" && !stat.isDirectory()) {
          const what = stat.isSymbolicLink()
            ? `deleting the symlink ${shownName(sandbox.display(real))} (its target stays)`
            : `deleting ${shownName(sandbox.display(real))} (${formatBytes(stat.size)})`;
          const question = `${what.charAt(0).toUpperCase()}${what.slice(1)}: go ahead? It cannot be undone.`;
          const refused = unconfirmed(await call.confirm(question), what, ctx.names);
          if (refused) return refused;
        }
        if (stat.isDirectory()) {
          try {
            rmdirSync(target);
          } catch (error) {
            if (
              (error as NodeJS.ErrnoException).code === "ENOTEMPTY" ||
              (error as NodeJS.ErrnoException).code === "EEXIST"
            ) {
              throw new ToolError(
                `${quote(input)}: directory is not empty; delete_file removes only files and empty directories — delete its contents first`,
              );
            }
            throw unremoved(ctx, input, dir, error);
          }
        } else {
          try {
            unlinkSync(target);
          } catch (error) {
            throw unremoved(ctx, input, dir, error);
          }
        }
        const what = stat.isDirectory() ? "directory" : stat.isSymbolicLink() ? "symlink" : "file";
        return ok(`deleted ${what} ${shownName(sandbox.display(real))}`);
      } finally {
        closeSync(dir.fd);
      }
    },
  });
}

/** Why `input` could not be removed from the opened folder `dir`: one that is not writable is named. */
function unremoved(ctx: Context, input: string, dir: Opened, error: unknown): Error {
  if ((error as NodeJS.ErrnoException).code !== "EACCES") return ctx.sandbox.fsError(input, error);
  return folderNotWritable(input, ctx.sandbox.display(dir.real), "nothing deleted");
}
