import {
  type CallToolResult,
  type InputRequiredResult,
  type McpServer,
  PROTOCOL_VERSION_META_KEY,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { auditAddress } from "./audit-log.js";
import { servedRevision } from "./protocol.js";
import {
  callerTrace,
  requestSpanAttributes,
  requestSpanName,
  toolOutcomeAttributes,
  transportTrace,
} from "./request-span.js";
import { tracing } from "./telemetry.js";
import { type CallEnd, outcomeErrorType } from "./tool-outcome.js";
import type { RequestVia, ToolStats } from "./tool-stats.js";

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
 * How a request with `meta` (and `headers`, over HTTP) came, for the metrics: over HTTP (`overHttp`) or stdio, in
 * its revision (requestRevision) when one our servers speak (servedRevision: a label's values must be few).
 */
export function requestVia(
  server: McpServer,
  meta: Record<string, unknown> | undefined,
  headers: { get(name: string): string | null } | undefined,
  overHttp: boolean,
): RequestVia {
  return {
    protocolVersion: servedRevision(requestRevision(server, meta, headers)),
    transport: overHttp ? "tcp" : "pipe",
  };
}

/** How the tool call `ctx` belongs to came (requestVia). */
export function callVia(server: McpServer, ctx: ServerContext): RequestVia {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  return requestVia(server, envelope, ctx.http?.req?.headers, ctx.http !== undefined);
}

/**
 * Observe one tool call: in flight while it runs (the metrics), and, when tracing is on, a server span named as the
 * MCP semantic conventions say (`tools/call <tool>`) that continues the caller's trace (`params._meta`, else headers).
 */
export async function observeToolCall(
  server: McpServer,
  ctx: ServerContext,
  tool: string,
  stats: ToolStats | undefined,
  run: () => Promise<EndedCall>,
): Promise<EndedCall["result"]> {
  const ended = stats?.begin(tool);
  try {
    const traces = tracing();
    if (!traces.enabled) return (await run()).result;
    const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
    const attributes = requestSpanAttributes({
      method: "tools/call",
      name: tool,
      id: ctx.mcpReq.id,
      protocolVersion: requestRevision(server, envelope, ctx.http?.req?.headers),
      transport: ctx.http ? "tcp" : "pipe",
      sessionId: ctx.sessionId,
      clientAddress: auditAddress(ctx.http?.authInfo) ?? undefined,
    });
    const header = (name: string) => ctx.http?.req?.headers.get(name);
    const parent = callerTrace(ctx.mcpReq._meta, header);
    const link = transportTrace(ctx.mcpReq._meta, header);
    return await traces.inSpan(
      requestSpanName("tools/call", tool),
      { kind: "server", attributes, ...(parent ? { parent } : {}), ...(link ? { links: [link] } : {}) },
      async (span) => {
        const { result, end } = await run();
        span.set(toolOutcomeAttributes(end.outcome, end.cause));
        const errorType = outcomeErrorType(end.outcome);
        if (errorType) span.fail(errorType);
        return result;
      },
    );
  } finally {
    ended?.();
  }
}

/** A tool's answer, and how its call ended (worked out once, for the stats, the span and the audit trail alike). */
export interface EndedCall {
  /** A result, or the question of an elicitation (input required) that runs the call again with its answer. */
  result: CallToolResult | InputRequiredResult;
  end: CallEnd;
}

/** `handler`, observed by observeToolCall on every call: how the tool wrapper hooks in. */
export function observedHandler(
  server: McpServer,
  tool: string,
  stats: ToolStats | undefined,
  handler: (args: unknown, ctx: ServerContext) => Promise<EndedCall>,
): (args: unknown, ctx: ServerContext) => Promise<EndedCall["result"]> {
  return (args, ctx) => observeToolCall(server, ctx, tool, stats, () => handler(args, ctx));
}
