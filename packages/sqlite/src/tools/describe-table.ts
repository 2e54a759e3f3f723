import { defineTool, fail, ok } from "@mcp-toolkit/core";
import { z } from "zod";
import { run, type ToolContext } from "./context.js";

const INPUT = { table: z.string().describe("Table or view name") };
const OUTPUT = {
  name: z.string(),
  database: z.string().optional().describe("Its database, when not main"),
  type: z.enum(["table", "view"]),
  module: z.string().optional().describe("A virtual table's module: fts5, fts4, rtree, …"),
  moduleNote: z.string().optional().describe("How to query it (MATCH for full text), or why it cannot be read here"),
  columns: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      notNull: z.boolean(),
      default: z.string().nullable(),
      primaryKey: z.number().int().describe("Position in the primary key; 0 if not part of it"),
      collation: z.string().optional().describe("How it compares and sorts, when not BINARY: NOCASE, RTRIM, …"),
      generated: z
        .enum(["virtual", "stored"])
        .optional()
        .describe(
          "A generated column: computed when read (virtual) or stored with the row; the sql shows its expression",
        ),
      hidden: z
        .boolean()
        .optional()
        .describe("A virtual table's hidden column: not in SELECT *, but selectable by name"),
    }),
  ),
  indexes: z.array(
    z.object({
      name: z.string(),
      columns: z.array(z.string().nullable()).describe("null for an expression; sql then shows it"),
      unique: z.boolean(),
      origin: z.string(),
      partial: z.boolean(),
      sql: z
        .string()
        .optional()
        .describe("CREATE INDEX of a partial index, one on expressions, or its own COLLATE or DESC"),
    }),
  ),
  foreignKeys: z.array(
    z.object({
      from: z.string(),
      table: z.string(),
      to: z.string().nullable(),
      onUpdate: z.string(),
      onDelete: z.string(),
    }),
  ),
  triggers: z
    .array(z.object({ name: z.string(), sql: z.string() }))
    .describe("What else a write to it does: the rows they change are not in a write's changes"),
  rowCount: z
    .union([z.number(), z.string()])
    .nullable()
    .describe(
      'Counted up to 1000000: past that "more than 1000000", "at least N" if counting ran out of time; null for a view, a damaged table (see rowCountNote) or one whose module is missing (moduleNote)',
    ),
  rowCountNote: z.string().optional().describe("Why not exact; how to count all"),
  sql: z.string().nullable(),
};

/** describe_table: one table's columns, keys, indexes, foreign keys, triggers, row count and DDL. */
export function describeTableTool(ctx: ToolContext) {
  return defineTool({
    name: "describe_table",
    title: "Describe table",
    description: "A table or view's columns, keys, indexes, foreign keys, triggers, row count, DDL.",
    inputSchema: INPUT,
    outputSchema: OUTPUT,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: async ({ table }, call) => {
      const value = await run(ctx, { op: "describe", table, limits: ctx.limits }, call);
      const text = JSON.stringify(value);
      const bytes = Buffer.byteLength(text);
      if (bytes > ctx.limits.maxBytes) {
        return fail(
          `describe_table: the description of ${JSON.stringify(table)} is ${bytes} bytes, over the ${ctx.limits.maxBytes}-byte response cap; page through it with execute_query, e.g. SELECT * FROM pragma_table_xinfo(?) LIMIT 100 OFFSET 0`,
        );
      }
      return ok(text, value);
    },
  });
}
