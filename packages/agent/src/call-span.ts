// What the MCP conventions ask of a client's tools/call span that only the connection knows: the transport, the
// revision and session in use, the server's address, and the error code a refusal came with (its JSON-RPC id is put
// on it as it is sent, request-spans.ts, which gives every other request the agent sends the same attributes). Added to the agent's `tools/call <tool>` span (telemetry.ts) from where the request is sent (server-call.ts),
// so a trace query written for the servers' spans (`network.transport`, `mcp.session.id`) finds the client's side too.

import { type SpanAttributes, tracing } from "@mcp-toolkit/core";
import { type Client, ProtocolError } from "@modelcontextprotocol/client";
import type { ServerSpec } from "./servers-file.js";

/** The port a URL of this scheme goes to when it names none. */
const DEFAULT_PORTS: Readonly<Record<string, number>> = { "http:": 80, "https:": 443, "ws:": 80, "wss:": 443 };

/**
 * The connection's attributes: `pipe` to a server the agent started, `tcp` to a remote one with its host and port (no
 * user info, path or query: the URL's credentials and tokens stay out), the negotiated revision and the session id.
 */
export function callSpanAttributes(
  spec: ServerSpec | undefined,
  protocolVersion: string | undefined,
  sessionId: unknown,
): SpanAttributes {
  const remote = spec?.kind === "http" && URL.canParse(spec.url) ? new URL(spec.url) : undefined;
  return {
    "network.transport": spec ? (remote ? "tcp" : "pipe") : undefined,
    "server.address": remote?.hostname.replace(/^\[(.*)\]$/, "$1"),
    "server.port": remote ? Number(remote.port) || DEFAULT_PORTS[remote.protocol] : undefined,
    "mcp.protocol.version": protocolVersion,
    "mcp.session.id": typeof sessionId === "string" && sessionId !== "" ? sessionId : undefined,
  };
}

/** Mark the tools/call span in progress with its connection (callSpanAttributes); nothing when tracing is off. */
export function annotateCall(spec: ServerSpec | undefined, client: Client, transport: unknown): void {
  const traces = tracing();
  if (!traces.enabled) return;
  const sessionId = (transport as { sessionId?: unknown } | undefined)?.sessionId;
  traces.annotate(callSpanAttributes(spec, client.getNegotiatedProtocolVersion(), sessionId));
}

/** A JSON-RPC error answer's code on the span, as `rpc.response.status_code` (`-32602`); other failures have none. */
export function annotateRefusal(error: unknown): void {
  if (error instanceof ProtocolError) tracing().annotate({ "rpc.response.status_code": String(error.code) });
}
