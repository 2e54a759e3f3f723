// The name and attributes of an MCP request's server span, as the OpenTelemetry MCP conventions write them, built
// here once for the two places that make such spans: a tool call that ran (tool-telemetry.ts) and a request refused
// at the HTTP gate before any server ran it (refusal-span.ts). A trace query written for one then finds the other.
import { carrierOf, sameTrace, type TraceCarrier } from "./propagation.js";
import { type SpanAttributes, tracing } from "./telemetry.js";
import type { ToolOutcome } from "./tool-outcome.js";

export type { ToolOutcome } from "./tool-outcome.js";

/** What a server span says of the MCP request it records. */
export interface RequestSpanFacts {
  /** The JSON-RPC method, or undefined when it is not known (a body not read, with no MCP-Method header). */
  method: string | undefined;
  /** The tool (tools/call) or prompt (prompts/get, completion/complete of a prompt's argument) named. */
  name?: string | undefined;
  /** The JSON-RPC id. */
  id?: string | number | undefined;
  protocolVersion?: string | undefined;
  /** The conventions' words: stdio is a pipe; Streamable HTTP runs over TCP. */
  transport: "pipe" | "tcp";
  sessionId?: string | undefined;
  /** Over HTTP, the client's address as the server counts it (behind a trusted proxy, from X-Forwarded-For). */
  clientAddress?: string | undefined;
}

/**
 * The methods a client sends a server (2024-10-07 to 2026-07-28). A span of a request refused before any server ran
 * it is named by its method only when it is one of these: the method then comes from the MCP-Method header or the
 * body of a refused request, and a span name must not be whatever a caller sends (a new name per request).
 */
const CLIENT_METHODS: ReadonlySet<string> = new Set([
  "initialize",
  "ping",
  "server/discover",
  "subscriptions/listen",
  "tools/list",
  "tools/call",
  "resources/list",
  "resources/templates/list",
  "resources/read",
  "resources/subscribe",
  "resources/unsubscribe",
  "prompts/list",
  "prompts/get",
  "completion/complete",
  "logging/setLevel",
  "tasks/get",
  "tasks/result",
  "tasks/list",
  "tasks/cancel",
  "notifications/initialized",
  "notifications/cancelled",
  "notifications/progress",
  "notifications/roots/list_changed",
  "notifications/tasks/status",
]);

/** `method` when it is an MCP method a client sends, else undefined: what a refused request's span may be named. */
export function knownMethod(method: string | undefined): string | undefined {
  return method !== undefined && CLIENT_METHODS.has(method) ? method : undefined;
}

/** An MCP-Protocol-Version as a span may carry it: a revision's date, else nothing (16 KiB of a header, or noise). */
export function revisionShaped(version: string | undefined): string | undefined {
  return version !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(version) ? version : undefined;
}

export type { TraceCarrier } from "./propagation.js";

/**
 * The trace a request's span continues: its `params._meta`'s, the MCP conventions' carrier, else (over HTTP) its
 * headers', which an HTTP client instrumented with OpenTelemetry sends on every request. Both are read in the formats
 * OTEL_PROPAGATORS names (`fields`, by default the process's: W3C `traceparent`, `tracestate` and `baggage`).
 */
export function callerTrace(
  meta: Readonly<Record<string, unknown>> | undefined,
  header: (name: string) => string | null | undefined,
  fields: readonly string[] = tracing().fields,
): TraceCarrier | undefined {
  return carrierOf((name) => meta?.[name], fields) ?? carrierOf(header, fields);
}

/**
 * The HTTP request's own trace (its headers') when the span continues another, from `_meta`: the conventions ask a
 * server to link the transport's context then, so a proxy's or a load balancer's trace of the request still leads to
 * the call. Undefined when the span continues the headers' trace, or there is none.
 */
export function transportTrace(
  meta: Readonly<Record<string, unknown>> | undefined,
  header: (name: string) => string | null | undefined,
  fields: readonly string[] = tracing().fields,
): TraceCarrier | undefined {
  const fromMeta = carrierOf((name) => meta?.[name], fields);
  const fromHeaders = carrierOf(header, fields);
  return fromMeta && fromHeaders && !sameTrace(fromMeta, fromHeaders) ? fromHeaders : undefined;
}

/**
 * The longest JSON-RPC id a span keeps. Ids are numbers or UUIDs; a longer one is the caller's making, and each span
 * the exporter queues (up to 2048 while a collector is slow) kept it alive: 1,500 calls with a 900 KB id held 2.2 GB.
 */
export const MAX_SPAN_ID_CHARS = 128;

/** `id` as the span's `jsonrpc.request.id`: its text, or nothing when it is longer than MAX_SPAN_ID_CHARS. */
function spanRequestId(id: string | number | undefined): string | undefined {
  const text = id === undefined ? undefined : String(id);
  return text !== undefined && text.length <= MAX_SPAN_ID_CHARS ? text : undefined;
}

/** The span's name: `<method> <target>` (`tools/call read_file`), or the method alone when it names nothing. */
export function requestSpanName(method: string, name?: string): string {
  return name ? `${method} ${name}` : method;
}

/** The span's attributes; a tool call's outcome is added when it is known (toolOutcomeAttributes). */
export function requestSpanAttributes(facts: RequestSpanFacts): SpanAttributes {
  const tool = facts.method === "tools/call" ? facts.name : undefined;
  return {
    "mcp.method.name": facts.method,
    "gen_ai.tool.name": tool,
    "gen_ai.operation.name": tool ? "execute_tool" : undefined,
    "gen_ai.prompt.name":
      facts.method === "prompts/get" || facts.method === "completion/complete" ? facts.name : undefined,
    "mcp.protocol.version": facts.protocolVersion,
    "network.transport": facts.transport,
    "mcp.session.id": facts.sessionId,
    "client.address": facts.clientAddress,
    "jsonrpc.request.id": spanRequestId(facts.id),
  };
}

/**
 * A tool call's outcome, and the refusal's cause when refused (`sandbox`, `forbidden`, `rate_limited`, …); a call
 * naming a tool the server does not offer is `unknown_tool` (unknown-tool.ts).
 */
export function toolOutcomeAttributes(outcome: ToolOutcome | "unknown_tool", refusalCause?: string): SpanAttributes {
  return {
    "mcp.tool.outcome": outcome,
    "mcp.tool.refusal_cause": outcome === "refused" ? refusalCause : undefined,
  };
}
