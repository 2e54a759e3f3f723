// Every request and notification the agent sends a server, traced at the transport, where the SDK's own requests
// pass too: the handshake it sends inside `connect` (server/discover, initialize, notifications/initialized), the
// lists, resources/read, prompts/get, the change stream, a cancellation. Each gets an MCP client span (`{method}
// {target}`) under whatever span is current (the start-up's, the run's, a restart's), and that span's trace context
// in `params._meta`, so the server's span sits under it instead of being a trace of its own. A tools/call already
// has both (telemetry.ts, server-call.ts): its `_meta` is left as it is, and its span gets the JSON-RPC id.
// With tracing off the transport is not touched at all.

import { type SpanAttributes, type SpanHandle, tracing } from "@mcp-toolkit/core";
import type { JSONRPCMessage, Transport } from "@modelcontextprotocol/client";
import { errorTypeOf } from "./metric-names.js";
import { sentInItsSpan } from "./telemetry.js";

/** Longest `mcp.resource.uri` put on a span, as the servers cut theirs. */
const MAX_URI_CHARS = 2048;

/** `error.type` of a request the agent stopped waiting for (a timeout, Ctrl-C) and told the server so. */
const CANCELLED = "cancelled";
/** `error.type` of a request whose connection closed before its answer came. */
const CONNECTION_CLOSED = "connection_closed";
/** Answered only when its connection ends: its span ends with the connection, and that is no failure. */
const LASTS_THE_CONNECTION = "subscriptions/listen";

const traced = new WeakSet<Transport>();

type Params = Record<string, unknown> & { _meta?: Record<string, unknown> };

/** The span's name and what it is about, from the request's own params, as the MCP conventions name them. */
export function requestSpan(method: string, params: Params | undefined): { name: string; attributes: SpanAttributes } {
  const ref = params?.ref as { type?: unknown; name?: unknown } | undefined;
  const tool = method === "tools/call" && typeof params?.name === "string" ? params.name : undefined;
  const prompt =
    method === "prompts/get" && typeof params?.name === "string"
      ? params.name
      : method === "completion/complete" && ref?.type === "ref/prompt" && typeof ref.name === "string"
        ? ref.name
        : undefined;
  const uri = typeof params?.uri === "string" && params.uri.length <= MAX_URI_CHARS ? params.uri : undefined;
  const target = tool ?? prompt;
  return {
    name: target ? `${method} ${target}` : method,
    attributes: {
      "mcp.method.name": method,
      "gen_ai.tool.name": tool,
      "gen_ai.operation.name": tool ? "execute_tool" : undefined,
      "gen_ai.prompt.name": prompt,
      "mcp.resource.uri": method.startsWith("resources/") ? uri : undefined,
    },
  };
}

/**
 * Trace what `transport` sends (see above), once per transport; `connection` gives the attributes only the connection
 * knows (call-span.ts), read when each request is sent. Call before the client connects: the client chains the
 * close handler set before it, which ends what is still open.
 */
export function traceRequests(transport: Transport, connection: () => SpanAttributes): void {
  const traces = tracing();
  if (!traces.enabled || traced.has(transport)) return;
  traced.add(transport);
  const pending = new Map<string | number, { span: SpanHandle; method: string }>();
  const settle = (id: string | number, fail?: [string, string?]) => {
    const open = pending.get(id);
    if (!open) return;
    pending.delete(id);
    if (fail) open.span.fail(...fail);
    open.span.end();
  };

  const send = transport.send.bind(transport);
  transport.send = async (message, options) => {
    if (!("method" in message)) return send(message, options);
    const id = "id" in message ? message.id : undefined;
    const params = (message.params ?? undefined) as Params | undefined;
    if (sentInItsSpan(message.method, params?._meta)) {
      // Sent inside its caller's span (a tools/call's): that span is the current one, and gets the id.
      if (id !== undefined) traces.annotate({ "jsonrpc.request.id": String(id) });
      return send(message, options);
    }
    if (message.method === "notifications/cancelled") {
      const cancelled = (params as { requestId?: unknown } | undefined)?.requestId;
      if (typeof cancelled === "string" || typeof cancelled === "number") settle(cancelled, [CANCELLED]);
    }
    const { name, attributes } = requestSpan(message.method, params);
    const span = traces.startSpan(name, {
      kind: "client",
      attributes: { ...connection(), ...attributes, "jsonrpc.request.id": id === undefined ? undefined : String(id) },
    });
    const meta = span.within(() => traces.injectMeta());
    const carried = { ...message, params: { ...params, _meta: { ...params?._meta, ...meta } } } as JSONRPCMessage;
    if (id !== undefined) pending.set(id, { span, method: message.method });
    try {
      await send(carried, options);
    } catch (error) {
      // Unless an answer came (and ended the span) before the send failed.
      if (id === undefined || pending.delete(id)) {
        span.fail(errorTypeOf(error));
        span.end();
      }
      throw error;
    }
    // A notification is done once it is sent.
    if (id === undefined) span.end();
  };

  const answered = (message: JSONRPCMessage) => {
    if ("method" in message || !("id" in message) || message.id === undefined || message.id === null) return;
    const error = "error" in message ? (message.error as { code?: unknown; message?: unknown }) : undefined;
    if (!error) return settle(message.id);
    const code = String(error.code);
    pending.get(message.id)?.span.set({ "rpc.response.status_code": code });
    settle(message.id, [
      code,
      String(error.message ?? "")
        .split("\n")[0]
        ?.slice(0, 300),
    ]);
  };
  // Every answer is seen before whoever handles it, whoever that is: the SDK's probe for a server's revision takes
  // the handler over while it waits for the server/discover answer and passes that answer to no one else.
  type OnMessage = NonNullable<Transport["onmessage"]>;
  let handler = transport.onmessage;
  const seeing = new WeakMap<OnMessage, OnMessage>();
  const seen = (inner: OnMessage): OnMessage => {
    let outer = seeing.get(inner);
    if (!outer) {
      outer = (message, extra) => {
        answered(message);
        inner(message, extra);
      };
      seeing.set(inner, outer);
    }
    return outer;
  };
  Object.defineProperty(transport, "onmessage", {
    configurable: true,
    enumerable: true,
    get: () => handler && seen(handler),
    set: (next: Transport["onmessage"]) => {
      handler = next;
    },
  });
  const onclose = transport.onclose;
  transport.onclose = () => {
    for (const [id, { method }] of pending) {
      settle(id, method === LASTS_THE_CONNECTION ? undefined : [CONNECTION_CLOSED]);
    }
    onclose?.();
  };
}
