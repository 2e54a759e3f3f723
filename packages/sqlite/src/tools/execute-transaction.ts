import { defineTool, ok } from "@mcp-toolkit/core";
import { z } from "zod";
import { MAX_STATEMENTS } from "../engine.js";
import { changeShape, paramsField, sqlField, type ToolContext } from "./context.js";

/** execute_transaction: several statements, all or nothing. */
export function executeTransactionTool(ctx: ToolContext) {
  return defineTool({
    name: "execute_transaction",
    description: `Run up to ${MAX_STATEMENTS} statements atomically: if one fails, none apply. Returns each execute_write result.`,
    inputSchema: {
      statements: z.array(z.object({ sql: sqlField, params: paramsField })).describe("In order"),
    },
    outputSchema: { results: z.array(z.object(changeShape)) },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    handler: async ({ statements }, extra) => {
      const value = await ctx.executor.run({ op: "transaction", statements, limits: ctx.limits }, extra.signal);
      return ok(JSON.stringify(value), value);
    },
  });
}
