import { defineTool, ok } from "@mcp-toolkit/core";
import { z } from "zod";
import { run, type ToolContext } from "./context.js";

const INPUT = {};
const OUTPUT = {
  tables: z.array(
    z.object({
      name: z.string(),
      type: z.enum(["table", "view"]),
      module: z.string().optional().describe("A virtual table's module: fts5, fts4, fts3 are full-text (MATCH)"),
      columns: z.array(
        z.object({
          name: z.string(),
          type: z.string(),
          primaryKey: z.boolean().optional(),
          generated: z.enum(["virtual", "stored"]).optional(),
        }),
      ),
      error: z.string().optional(),
    }),
  ),
  more: z
    .array(z.string())
    .optional()
    .describe("Names of the tables and views after those shown with columns, when not all fit the response cap"),
  truncated: z.boolean().optional(),
  note: z.string().optional(),
};

/** list_tables: every table and view with its columns; past the response cap, the rest by name (table-list.ts). */
export function listTablesTool(ctx: ToolContext) {
  return defineTool({
    name: "list_tables",
    title: "List tables",
    description: "All tables and views with column types (generated columns marked).",
    inputSchema: INPUT,
    outputSchema: OUTPUT,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: async (_args, call) => {
      const value = await run(ctx, { op: "tables", limits: ctx.limits }, call);
      return ok(JSON.stringify(value), value);
    },
  });
}
