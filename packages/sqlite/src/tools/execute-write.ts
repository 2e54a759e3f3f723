import { defineTool } from "@mcp-toolkit/core";
import { changeShape, paramsField, sqlField, type ToolContext } from "./context.js";
import { runWrite } from "./write-run.js";

const INPUT = { sql: sqlField, params: paramsField };

/** execute_write: one statement that changes data or schema. */
export function executeWriteTool(ctx: ToolContext) {
  return defineTool({
    name: "execute_write",
    title: "Run a write statement",
    description:
      "Run one INSERT, UPDATE, DELETE or DDL statement; returns changes, lastInsertRowid (INSERT/REPLACE only), RETURNING rows.",
    inputSchema: INPUT,
    outputSchema: changeShape,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    handler: ({ sql, params }, call) =>
      runWrite(ctx, { op: "write", sql, params, limits: ctx.limits }, call, "execute_write"),
  });
}
