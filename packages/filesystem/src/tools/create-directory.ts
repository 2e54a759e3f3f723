import { closeSync } from "node:fs";
import { defineTool, ok } from "@mcp-toolkit/core";
import { z } from "zod";
import { undoingMadeDirs } from "../make-dirs.js";
import type { Context } from "../options.js";
import { shownName } from "../shown-name.js";

const INPUT = { path: z.string().describe("Path") };

/** create_directory: mkdir -p inside the workspace. */
export function createDirectoryTool(ctx: Context) {
  return defineTool({
    name: "create_directory",
    title: "Create directory",
    description: "Create a directory and its missing parents (mkdir -p).",
    inputSchema: INPUT,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: async ({ path }) => {
      // A path refused part way (a name too long, a hidden one) leaves none of the folders made before it.
      const dir = await undoingMadeDirs(ctx.sandbox, (made) =>
        ctx.sandbox.openDir(path, ctx.sandbox.lexical(path), made),
      );
      closeSync(dir.fd);
      return ok(`directory ready: ${shownName(ctx.sandbox.display(dir.real))}`);
    },
  });
}
