import {
  type CallToolResult,
  type McpServer,
  PROTOCOL_VERSION_META_KEY,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { refusalCause } from "./results.js";
import { tracing } from "./telemetry.js";
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
    const attributes = {
      "mcp.method.name": "tools/call",
      "gen_ai.tool.name": tool,
      "gen_ai.operation.name": "execute_tool",
      "mcp.protocol.version": typeof version === "string" ? version : undefined,
      // The conventions' words: stdio is a pipe; Streamable HTTP runs over TCP.
      "network.transport": ctx.http ? "tcp" : "pipe",
      "mcp.session.id": ctx.sessionId,
      "jsonrpc.request.id": String(ctx.mcpReq.id),
    };
    const parent = ctx.mcpReq._meta as { traceparent?: unknown; tracestate?: unknown } | undefined;
    return await traces.inSpan(
      `tools/call ${tool}`,
      { kind: "server", attributes, ...(parent ? { parent } : {}) },
      async (span) => {
        const result = await run();
        // An elicitation (input required) carries no content: it is neither an error nor a refusal.
        const cause = refusalCause(result as CallToolResult);
        const isError = (result as CallToolResult).isError === true;
        span.set({
          "mcp.tool.outcome": cause ? "refused" : isError ? "error" : "ok",
          "mcp.tool.refusal_cause": cause,
        });
        if (isError) span.fail("tool_error");
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
