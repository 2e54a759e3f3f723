// Spans of requests refused over HTTP before any server ran them: at the HTTP layer (a Host or Origin not allowed, an
// unsupported protocol version, a body not JSON, too large or unparsable, a batch too long: http-refusal.ts) and at
// the gate (http-access.ts: unknown callers, uses outside a caller's roles, a scrape of /metrics without the role,
// callers over their limits). Without them a trace shows the calls a tool refused but not those refused at the door.
import type { IncomingMessage } from "node:http";
import type { RequestMessage } from "./request-messages.js";
import {
  callerTrace,
  knownMethod,
  requestSpanAttributes,
  requestSpanName,
  revisionShaped,
  type TraceCarrier,
  toolOutcomeAttributes,
} from "./request-span.js";
import { tracing } from "./telemetry.js";

/** A request refused over HTTP before any server ran it: what it asked, why, and when it began. */
export interface RefusedRequest {
  /** The JSON-RPC method, or undefined when the body was not read (a caller not authenticated, a 415, …). */
  method: string | undefined;
  /** The tool or prompt named, if the server offers it (a name it does not is the caller's text, left out). */
  name?: string | undefined;
  id?: string | number | undefined;
  /**
   * The refusal's cause, its span's `error.type`: the gate's as the refusals metric counts them (`unauthorized`,
   * `forbidden`, `rate_limited`), or the HTTP layer's (`host_not_allowed`, `parse_error`, … in http-refusal.ts).
   */
  cause: string;
  /** Why, as the client is told it (and the audit line, for the gate's): never the token. */
  reason: string;
  http: { method: string; path: string; status: number; protocolVersion?: string | undefined };
  parent?: TraceCarrier | undefined;
  /** The client's address as the server counts it (behind a trusted proxy, from X-Forwarded-For). */
  clientAddress?: string | undefined;
  /** When the request arrived, on the performance.now() clock. */
  startTime: number;
}

/**
 * Record a refused request as a failed server span, named as a served one would be (`tools/call <tool>`), so that
 * calls refused by role or limit show in traces beside those refused by a tool's own policy. `error.type` is the
 * cause; a tool call's span also carries `mcp.tool.outcome` `refused` and `mcp.tool.refusal_cause`.
 */
export function traceRefusal(refused: RefusedRequest): void {
  const traces = tracing();
  if (!traces.enabled) return;
  const { http } = refused;
  // Only an MCP method names the span; a refused request's method is the caller's text (an unknown caller's header).
  const method = knownMethod(refused.method);
  const name = method ? refused.name : undefined;
  const span = traces.startSpan(method ? requestSpanName(method, name) : `${http.method} ${http.path}`, {
    kind: "server",
    startTime: refused.startTime,
    attributes: {
      ...requestSpanAttributes({
        method,
        name,
        id: refused.id,
        protocolVersion: revisionShaped(http.protocolVersion),
        transport: "tcp",
        clientAddress: refused.clientAddress,
      }),
      "http.request.method": http.method,
      "http.response.status_code": http.status,
      ...(method === "tools/call" ? toolOutcomeAttributes("refused", refused.cause) : {}),
    },
    ...(refused.parent ? { parent: refused.parent } : {}),
  });
  span.fail(refused.cause, refused.reason);
  span.end();
}

/**
 * Trace an HTTP request refused at the gate or at the HTTP layer: a span per request it carries (a batch refused
 * whole), or one for the HTTP request when it carries none or its body was not read (or not taken) — then named by
 * the MCP-Method header if the client sent it. Each continues the trace of its `_meta`, else of the headers (in the
 * formats OTEL_PROPAGATORS names).
 */
export function traceRefusedHttp(
  req: IncomingMessage,
  startTime: number,
  messages: readonly Partial<RequestMessage>[],
  refusal: { cause: string; reason: string; status: number },
  clientAddress: string | undefined,
): void {
  if (!tracing().enabled) return;
  const header = (name: string) => {
    const value = req.headers[name];
    return typeof value === "string" ? value : undefined;
  };
  const http = {
    method: req.method ?? "POST",
    path: new URL(req.url ?? "/", "http://localhost").pathname,
    status: refusal.status,
    protocolVersion: header("mcp-protocol-version"),
  };
  // A message with no trace context in its `_meta` continues the one in the headers, as a served call does.
  const unread: Partial<RequestMessage> = { method: header("mcp-method") };
  for (const m of messages.length > 0 ? messages : [unread]) {
    traceRefusal({
      ...refusal,
      method: m.method,
      name: m.name,
      id: m.id,
      http,
      parent: callerTrace(m.parent, header),
      clientAddress,
      startTime,
    });
  }
}
