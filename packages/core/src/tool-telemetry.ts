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
 * The revision a request was made in: a 2026-07-28 request names it in its `_meta`, a session's client at its
 * handshake, and a stateless 2025-era HTTP request only in its header.
 */
export function requestRevision(
  server: McpServer,
  meta: Record<string, unknown> | undefined,
  headers: { get(name: string): string | null } | undefined,
): string | undefined {
  const version =
    meta?.[PROTOCOL_VERSION_META_KEY] ??
    server.server.getNegotiatedProtocolVersion() ??
    headers?.get("mcp-protocol-version") ??
    undefined;
  return typeof version === "string" ? version : undefined;
}

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
    const attributes = requestSpanAttributes({
      method: "tools/call",
      name: tool,
      id: ctx.mcpReq.id,
      protocolVersion: requestRevision(server, envelope, ctx.http?.req?.headers),
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
