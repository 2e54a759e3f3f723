// The names the agent's figures go by, wherever they are shown: the OpenTelemetry metrics it exports
// (telemetry-metrics.ts) and the end-of-run summary (summary.ts), so one figure has one name in both.

/** The MCP conventions' duration of a request the agent sent (tools/call), per call. */
export const TOOL_CALL_DURATION = "mcp.client.operation.duration";
/** The GenAI conventions' tokens per model call, by `gen_ai.token.type`. */
export const TOKEN_USAGE = "gen_ai.client.token.usage";

/** The attributes those metrics carry, and the summary labels its figures with. */
export const ATTR = {
  tool: "gen_ai.tool.name",
  server: "mcp_toolkit.server",
  errorType: "error.type",
  tokenType: "gen_ai.token.type",
} as const;

/** The values of `error.type` for a tool call that failed without an exception of its own. */
export const ERROR_TYPES = {
  /** The server answered with an `isError` result. */
  toolError: "tool_error",
  /** Never sent: the model named a tool no server offers… */
  unknownTool: "unknown_tool",
  /** …gave arguments that are not a JSON object… */
  invalidArguments: "invalid_arguments",
  /** …or the user said no. */
  declined: "declined",
  /** Sent, then stopped by the user (Ctrl-C) before it ended. */
  interrupted: "interrupted",
} as const;

/** A failed request's `error.type`: the error's class (`ToolCallError` for a timeout, …), as the conventions ask. */
export { errorTypeOf } from "@mcp-toolkit/core";
