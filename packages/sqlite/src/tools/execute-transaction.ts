import { defineTool, strictArgumentObject } from "@mcp-toolkit/core";
import { z } from "zod";
import { MAX_STATEMENTS } from "../engine-transaction.js";
import { changeShape, paramsField, sqlField, type ToolContext } from "./context.js";
import { runWrite } from "./write-run.js";

const INPUT = {
  statements: z.array(strictArgumentObject({ sql: sqlField, params: paramsField })).describe("In order"),
};
const OUTPUT = {
  results: z.array(z.object(changeShape)).describe("One per statement, in order"),
  truncated: z.boolean().optional().describe("Rows or results left out of the reply; all ran"),
  note: z.string().optional().describe("What was left out, and the cap"),
};

/** execute_transaction: several statements, all or nothing. */
export function executeTransactionTool(ctx: ToolContext) {
  return defineTool({
    name: "execute_transaction",
    title: "Run a transaction",
    description: `Run up to ${MAX_STATEMENTS} statements atomically: if one fails, none apply. Returns each execute_write result; RETURNING rows over the byte cap are cut from the reply only.`,
    inputSchema: INPUT,
    outputSchema: OUTPUT,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    handler: ({ statements }, call) =>
      runWrite(ctx, { op: "transaction", statements, limits: ctx.limits }, call, "execute_transaction"),
  });
}
