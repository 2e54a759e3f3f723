import { defineTool, ok } from "@mcp-toolkit/core";
import { changeShape, paramsField, run, sqlField, type ToolContext } from "./context.js";

const INPUT = { sql: sqlField, params: paramsField };

/** execute_write: one statement that changes data or schema. */
export function executeWriteTool(ctx: ToolContext) {
  return defineTool({
    name: "execute_write",
    title: "Run a write statement",
    description: "Run one INSERT, UPDATE, DELETE or DDL statement; returns changes, lastInsertRowid, RETURNING rows.",
    inputSchema: INPUT,
    outputSchema: changeShape,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    handler: async ({ sql, params }, call) => {
      const value = await run(ctx, { op: "write", sql, params, limits: ctx.limits }, call);
      return ok(JSON.stringify(value), value);
    },
  });
}
