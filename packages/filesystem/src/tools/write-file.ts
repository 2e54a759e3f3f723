import { defineTool, ok } from "@mcp-toolkit/core";
import { z } from "zod";
import type { Context } from "../options.js";
import { quote } from "../path-policy.js";
import { ToolError } from "../sandbox.js";
import { formatBytes } from "../text.js";
import { writeAtomic } from "../write.js";

const INPUT = {
  path: z.string().describe("File"),
  content: z.string().describe("Full text"),
};

/** write_file: create or replace a file atomically, making parent directories as needed. */
export function writeFileTool(ctx: Context) {
  return defineTool({
    name: "write_file",
    title: "Write file",
    description: "Create or replace a text file atomically, making parent dirs; keeps permissions.",
    inputSchema: INPUT,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    handler: async ({ path, content }) => {
      const bytes = Buffer.byteLength(content, "utf8");
      if (bytes > ctx.limits.maxFileBytes) {
        throw new ToolError(
          `${quote(path)}: content is ${formatBytes(bytes)}, over the ${formatBytes(ctx.limits.maxFileBytes)} write limit; split it into smaller files`,
        );
      }
      const result = await writeAtomic(ctx.sandbox, path, ctx.sandbox.lexical(path), content, true);
      return ok(
        `${result.created ? "created" : "replaced"} ${ctx.sandbox.display(result.real)} (${result.bytes} bytes)`,
      );
    },
  });
}
