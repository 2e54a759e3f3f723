import { ok, refuse, type ToolCall, unconfirmed } from "@mcp-toolkit/core";
import type { CallToolResult } from "@modelcontextprotocol/server";
import type { EngineRequest } from "../engine-request.js";
import { lockSubject } from "../lock-failure.js";
import { lockCodeOf, lockedMessage } from "../lock-message.js";
import { ConfirmationNeeded } from "../losses.js";
import { run, type ToolContext } from "./context.js";

const done = (value: Record<string, unknown>) => ok(JSON.stringify(value), value);

/** A write tool's request: one statement or a transaction. */
type WriteRequest = Extract<EngineRequest, { op: "write" | "transaction" }>;

/**
 * Run a write tool's request and make its result. Under `confirm: destructive` it first runs guarded: a statement that would drop or
 * empty a table stops it, nothing changed, and the user is asked about exactly that (object and row count); only a
 * yes runs it, guarded by what they accepted, so anything else to lose by then stops it again. Afterwards the
 * schema watch tells clients if the list of tables changed.
 */
export async function runWrite(
  ctx: ToolContext,
  request: WriteRequest,
  call: ToolCall,
  tool: string,
): Promise<CallToolResult> {
  try {
    await ctx.schema?.before();
  } catch (error) {
    // Noting the list of tables first is this server's own read: a lock that stops it stops the write, said as such.
    const locked = lockCodeOf(error);
    throw locked ? new Error(lockedMessage(locked, lockSubject(request))) : error;
  }
  try {
    if (ctx.confirm !== "destructive") return done(await run(ctx, request, call));
    let losses: string[];
    try {
      return done(await run(ctx, { ...request, guard: { accepted: [] } }, call));
    } catch (error) {
      if (!(error instanceof ConfirmationNeeded)) throw error;
      losses = error.losses;
    }
    const what = losses.join("; ");
    const answer = await call.confirm(`${tool} would permanently destroy ${what}. Go ahead?`);
    const refusal = unconfirmed(answer, `destroying ${what}`, ctx.names);
    if (refusal) return refusal;
    try {
      return done(await run(ctx, { ...request, guard: { accepted: losses } }, call));
    } catch (error) {
      if (!(error instanceof ConfirmationNeeded)) throw error;
      return refuse(
        `Not done: the user confirmed destroying ${what}, but the database changed before the write ran, and it would now destroy ${error.losses.join("; ")}. Nothing was written; call ${tool} again to get a fresh confirmation.`,
        "declined",
      );
    }
  } finally {
    await ctx.schema?.after().catch(() => {});
  }
}
