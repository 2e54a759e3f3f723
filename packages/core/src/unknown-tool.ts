// A tools/call naming a tool the server does not offer is answered by the SDK with a JSON-RPC error before any tool
// handler runs, so observeToolCall (tool-telemetry.ts) never sees it. It is observed here instead, from the messages
// (request-watch.ts). The name is the client's text, so it goes into no span name, attribute or metric: one client
// sending a new name per call would make a new series per call.
import {
  isJSONRPCErrorResponse,
  type JSONRPCRequest,
  type McpServer,
  type MessageExtraInfo,
  ProtocolErrorCode,
  type Transport,
} from "@modelcontextprotocol/server";
import { auditAddress } from "./audit-log.js";
import { closest } from "./nearest-name.js";
import {
  callerTrace,
  requestSpanAttributes,
  requestSpanName,
  revisionShaped,
  type TraceCarrier,
  toolOutcomeAttributes,
} from "./request-span.js";
import { explainErrors, watchRequests } from "./request-watch.js";
import { type SpanAttributes, tracing } from "./telemetry.js";
import type { RequestVia, ToolStats } from "./tool-stats.js";
import { requestRevision, requestVia } from "./tool-telemetry.js";

/** A call to an unknown tool, until its error goes out. */
interface UnknownCall {
  started: number;
  via: RequestVia;
  attributes: SpanAttributes;
  parent: TraceCarrier | undefined;
}

/**
 * Record every tools/call `server` answers with an error because it offers no tool by that name (`offered` are the
 * names it does): a failed server span named `tools/call`, with `mcp.tool.outcome` `unknown_tool` and `error.type`
 * the JSON-RPC error code, as the MCP conventions ask, and the same on the metrics (through `stats`).
 */
export function observeUnknownTools(
  server: McpServer,
  offered: ReadonlySet<string>,
  stats: ToolStats | undefined,
): void {
  // Nothing to record to (a library's server with neither tracing nor stats): not even a look at each message.
  if (!stats && !tracing().enabled) return;
  const pending = new Map<string | number, UnknownCall>();
  watchRequests(server, {
    // Only calls of tools not offered are looked at, and only their answers awaited.
    wants: (method, params) => method === "tools/call" && !offersTool(offered, params),
    request(message, extra, transport) {
      const params = message.params as { name?: unknown; _meta?: Record<string, unknown> } | undefined;
      pending.set(message.id, {
        started: performance.now(),
        via: requestVia(server, params?._meta, extra?.request?.headers, extra?.request !== undefined),
        attributes: spanAttributes(server, message, extra, transport),
        parent: callerTrace(params?._meta, (name) => extra?.request?.headers.get(name)),
      });
    },
    awaits: () => pending.size > 0,
    answered(message) {
      const id = message.id;
      const call = id === undefined ? undefined : pending.get(id);
      if (id === undefined || !call) return;
      pending.delete(id);
      if (!isJSONRPCErrorResponse(message)) return;
      const errorType = String(message.error.code);
      stats?.recordUnknownTool(performance.now() - call.started, errorType, call.via);
      const traces = tracing();
      if (!traces.enabled) return;
      const span = traces.startSpan(requestSpanName("tools/call"), {
        kind: "server",
        startTime: call.started,
        attributes: { ...call.attributes, "rpc.response.status_code": errorType },
        ...(call.parent ? { parent: call.parent } : {}),
      });
      // Not the SDK's message: it quotes the name.
      span.fail(errorType, "unknown tool");
      span.end();
    },
  });
}

/** Whether a tools/call with `params` (as sent, unchecked) names one of the `offered` tools. */
function offersTool(offered: ReadonlySet<string>, params: unknown): boolean {
  const name = (params as { name?: unknown } | null | undefined)?.name;
  return typeof name === "string" && offered.has(name);
}

/** The span's attributes: those of any tools/call but the tool's name, and the outcome that says why it has none. */
function spanAttributes(
  server: McpServer,
  message: JSONRPCRequest,
  extra: MessageExtraInfo | undefined,
  transport: Transport,
): SpanAttributes {
  const meta = (message.params as { _meta?: Record<string, unknown> } | undefined)?._meta;
  return {
    ...requestSpanAttributes({
      method: "tools/call",
      id: message.id,
      // From the request itself, which no SDK code has checked yet: only a revision's date is kept.
      protocolVersion: revisionShaped(requestRevision(server, meta, extra?.request?.headers)),
      transport: extra?.request ? "tcp" : "pipe",
      sessionId: transport.sessionId,
      clientAddress: auditAddress(extra?.authInfo) ?? undefined,
    }),
    ...toolOutcomeAttributes("unknown_tool"),
  };
}

/**
 * The SDK's answer to a call of a tool this server does not offer ("Tool x not found"), told what to do instead: the
 * nearest name it offers, and the names it offers (a client may hold an old list, or a model a name from elsewhere).
 * Undefined for any other message.
 */
export function unknownToolMessage(message: string, offered: ReadonlySet<string>): string | undefined {
  const name = /^Tool (.*) not found$/s.exec(message)?.[1];
  if (name === undefined) return undefined;
  const names = [...offered];
  const near = closest(name, names);
  const list = names.length > 0 ? `; the tools offered here are ${names.join(", ")}` : "; no tools are offered here";
  return `${message}${near ? ` (did you mean ${near}?)` : ""}${list}`;
}

/**
 * Have the SDK's answer to a call of a tool `server` does not offer say what to do instead (unknownToolMessage), on
 * every connection from the next on. Only error answers are looked at, by their code; `offered` is worked out only
 * for such an answer.
 */
export function explainUnknownTools(server: McpServer, offered: () => ReadonlySet<string>): void {
  // Invalid params is what the SDK answers a call of an unknown tool with.
  explainErrors(server, [ProtocolErrorCode.InvalidParams], (message) => unknownToolMessage(message, offered()));
}
