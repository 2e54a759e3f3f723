import { defineTool, ok } from "@mcp-toolkit/core";
import { limitsPhrase, paramsField, rowSetShape, run, sqlField, type ToolContext } from "./context.js";

const INPUT = { sql: sqlField, params: paramsField };

/** execute_query: one statement that SQLite proves read-only, run on a read-only connection. */
export function executeQueryTool(ctx: ToolContext) {
  return defineTool({
    name: "execute_query",
    title: "Run a read-only query",
    description: `Run one read-only statement. Returns columns and rows (big ints as strings, BLOBs {"$base64"}); max ${limitsPhrase(ctx)}, else truncated:true, total.`,
    inputSchema: INPUT,
    outputSchema: rowSetShape,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: async ({ sql, params }, call) => {
      const value = await run(ctx, { op: "query", sql, params, limits: ctx.limits }, call);
      return ok(JSON.stringify(value), value);
    },
  });
}
