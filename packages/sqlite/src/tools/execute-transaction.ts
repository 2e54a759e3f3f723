import { defineTool, ok } from "@mcp-toolkit/core";
import { z } from "zod";
import { changeShape, paramsField, sqlField, type ToolContext } from "./context.js";

/** Most statements one transaction takes. */
export const MAX_STATEMENTS = 100;

/** execute_transaction: several statements, all or nothing. */
export function executeTransactionTool(ctx: ToolContext) {
  return defineTool({
    name: "execute_transaction",
    description: `Run up to ${MAX_STATEMENTS} statements in one transaction, all or nothing: if one fails, all are rolled back. Returns each one's changes, lastInsertRowid and RETURNING rows.`,
    inputSchema: {
      statements: z
        .array(z.object({ sql: sqlField, params: paramsField }))
        .min(1)
        .max(MAX_STATEMENTS)
        .describe("In order"),
    },
    outputSchema: { results: z.array(z.object(changeShape)) },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    handler: async ({ statements }, extra) => {
      const value = await ctx.executor.run({ op: "transaction", statements, limits: ctx.limits }, extra.signal);
      return ok(JSON.stringify(value), value);
    },
  });
}
