// How a tool call ended, decided once for its span, its metrics and the stats resource, so that the three (and the
// audit trail, which says `cancelled` too) never disagree.
import type { CallToolResult } from "@modelcontextprotocol/server";
import { refusalCause } from "./results.js";

/** A result, an `isError` result, a refusal (by the tool's policy or at the gate), or a call its client cancelled. */
export type ToolOutcome = "ok" | "error" | "refused" | "cancelled";

/** What a finished call says of itself. */
export interface FinishedCall {
  isError: boolean;
  /** The cause word of a refusal (`sandbox`, `read_only`, …), if a policy refused it. */
  refusalCause?: string | undefined;
  /** The call's abort signal had fired when it ended: its client cancelled it or went away. */
  cancelled: boolean;
}

/** The call's outcome. A cancel wins: whatever the tool answered then (often an error saying so), nobody asked for it. */
export function toolOutcome(call: FinishedCall): ToolOutcome {
  if (call.cancelled) return "cancelled";
  if (call.refusalCause) return "refused";
  return call.isError ? "error" : "ok";
}

/**
 * The `error.type` of an outcome, or undefined when the call did not fail. An `isError` result, a refusal included,
 * is `tool_error`, as the MCP conventions say. A cancelled call is not a failure of the server: like a gRPC server's
 * CANCELLED, which the RPC conventions do not count as a server error, it has no `error.type` and its span no error
 * status, so a dashboard's error rate does not rise when a user stops a call.
 */
export function outcomeErrorType(outcome: ToolOutcome): string | undefined {
  return outcome === "error" || outcome === "refused" ? "tool_error" : undefined;
}

/** How a call ended, worked out once from its result: its outcome, and the cause word when a policy refused it. */
export interface CallEnd {
  outcome: ToolOutcome;
  cause: string | undefined;
}

/** The end of a call that answered `result`, its abort signal having fired (`cancelled`) or not. */
export function callEnd(result: CallToolResult, cancelled: boolean): CallEnd {
  const cause = refusalCause(result);
  return { outcome: toolOutcome({ isError: result.isError === true, refusalCause: cause, cancelled }), cause };
}
