import {
  type CallToolResult,
  type McpServer,
  PROTOCOL_VERSION_META_KEY,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { requestSpanAttributes, requestSpanName, toolOutcomeAttributes } from "./request-span.js";
import { refusalCause } from "./results.js";
import { tracing } from "./telemetry.js";
import { outcomeErrorType, toolOutcome } from "./tool-outcome.js";
import type { ToolStats } from "./tool-stats.js";

/**
 * Observe one tool call: in flight while it runs (the metrics), and, when tracing is on, a server span named as the
 * MCP semantic conventions say (`tools/call <tool>`) that continues the caller's trace from `params._meta`.
 */
export async function observeToolCall<R extends object>(
  server: McpServer,
  ctx: ServerContext,
  tool: string,
  stats: ToolStats | undefined,
  run: () => Promise<R>,
): Promise<R> {
  const ended = stats?.begin(tool);
  try {
    const traces = tracing();
    if (!traces.enabled) return await run();
    const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
    // A 2026-07-28 request names its revision; a stateless 2025-era HTTP request only in its header.
    const version =
      envelope?.[PROTOCOL_VERSION_META_KEY] ??
      server.server.getNegotiatedProtocolVersion() ??
      ctx.http?.req?.headers.get("mcp-protocol-version") ??
      undefined;
    const attributes = requestSpanAttributes({
      method: "tools/call",
      name: tool,
      id: ctx.mcpReq.id,
      protocolVersion: typeof version === "string" ? version : undefined,
      transport: ctx.http ? "tcp" : "pipe",
      sessionId: ctx.sessionId,
    });
    const parent = ctx.mcpReq._meta as { traceparent?: unknown; tracestate?: unknown } | undefined;
    return await traces.inSpan(
      requestSpanName("tools/call", tool),
      { kind: "server", attributes, ...(parent ? { parent } : {}) },
      async (span) => {
        const result = await run();
        // An elicitation (input required) carries no content: it is neither an error nor a refusal.
        const cause = refusalCause(result as CallToolResult);
        const isError = (result as CallToolResult).isError === true;
        const outcome = toolOutcome({ isError, refusalCause: cause, cancelled: ctx.mcpReq.signal.aborted });
        span.set(toolOutcomeAttributes(outcome, cause));
        const errorType = outcomeErrorType(outcome);
        if (errorType) span.fail(errorType);
        return result;
      },
    );
  } finally {
    ended?.();
  }
}

/** `handler`, observed by observeToolCall on every call: how the tool wrapper hooks in. */
export function observedHandler<R extends object>(
  server: McpServer,
  tool: string,
  stats: ToolStats | undefined,
  handler: (args: unknown, ctx: ServerContext) => Promise<R>,
): (args: unknown, ctx: ServerContext) => Promise<R> {
  return (args, ctx) => observeToolCall(server, ctx, tool, stats, () => handler(args, ctx));
}
