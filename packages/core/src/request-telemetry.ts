// Every request and notification a server takes besides tools/call (tool-telemetry.ts and unknown-tool.ts observe
// those): `initialize`, `tools/list`, `resources/read`, `prompts/get`, `completion/complete`, … each a server span as
// the OpenTelemetry MCP conventions name it, continuing the caller's trace as a tool call's span does, and current
// while the SDK handles it, so what the handler starts (a SQLite resource's query) is traced under it; and each timed
// for the conventions' `mcp.server.operation.duration`. Watched at the transport, as the SDK answers some itself (an
// unknown method, a resource that does not exist). A connection or 2025-era HTTP session is timed whole for
// `mcp.server.session.duration`. Nothing is installed when tracing is off and no metric listens.
import type { McpServer, MessageExtraInfo } from "@modelcontextprotocol/server";
import { auditAddress } from "./audit-log.js";
import { servedRevision } from "./protocol.js";
import {
  callerTrace,
  knownMethod,
  requestSpanAttributes,
  requestSpanName,
  revisionShaped,
  transportTrace,
} from "./request-span.js";
import { onConnect, watchTransport } from "./request-watch.js";
import { type SpanHandle, tracing } from "./telemetry.js";
import type { ToolStats } from "./tool-stats.js";
import { requestRevision } from "./tool-telemetry.js";

/** The methods whose request names a resource: their spans carry it as `mcp.resource.uri`. */
const URI_METHODS: ReadonlySet<string> = new Set(["resources/read", "resources/subscribe", "resources/unsubscribe"]);

/**
 * The longest resource URI a span keeps (`mcp.resource.uri`): ours are short; a longer one is the caller's making, and
 * each span the exporter queues (up to 2048) keeps it alive, as MAX_SPAN_ID_CHARS says of ids.
 */
export const MAX_SPAN_URI_CHARS = 2048;

/** The most of a JSON-RPC error's message a span's status keeps: its first line, cut here (as audit reasons are). */
const MAX_STATUS_CHARS = 300;

/** What a server offers and how it is served, for naming its requests' spans. */
export interface ObservedServer {
  /** Whether the server offers the prompt `name` (to this caller): only such a name goes into a span or metric. */
  offersPrompt(name: string): boolean;
  /** The server lives as long as a connection (`pipe`) or a 2025-era HTTP session (`tcp`); undefined: one request. */
  session?: "pipe" | "tcp" | undefined;
}

/** A request seen coming in, until its answer goes out (or its client cancels it). */
interface Pending {
  method: string;
  prompt: string | undefined;
  /** The request named a prompt the server does not offer, or a method the protocol does not define. */
  unknown: string | undefined;
  started: number;
  span: SpanHandle | undefined;
  meta: Record<string, unknown> | undefined;
  extra: MessageExtraInfo | undefined;
}

/** How a request ended: answered (with a JSON-RPC error, if it failed), or cancelled (no answer goes out). */
type Ending = { error?: { code: unknown; message: unknown } } | "cancelled";

/**
 * Trace and time every request and notification `server` takes but tools/call, and its connection or session, from
 * its next connection on; into `stats` (the metrics) and the process's tracing.
 */
export function observeRequests(server: McpServer, stats: ToolStats, observed: ObservedServer): void {
  // Nothing to record to: not even a look at each message.
  if (!tracing().enabled && !stats.measured) return;
  onConnect(server, (transport) => {
    const pending = new Map<string | number, Pending>();
    const connected = performance.now();
    let revision: string | undefined;

    const finish = (call: Pending, ending: Ending) => {
      const error = ending === "cancelled" ? undefined : ending.error;
      const errorType = error ? String(error.code) : undefined;
      const ms = performance.now() - call.started;
      // After the answer: an initialize's revision is the one it negotiated.
      revision = revisionShaped(requestRevision(server, call.meta, call.extra?.request?.headers)) ?? revision;
      stats.recordOperation({
        method: call.method,
        ms,
        errorType,
        prompt: call.prompt,
        protocolVersion: servedRevision(revision),
        transport: call.extra?.request ? "tcp" : "pipe",
      });
      const span = call.span;
      if (!span) return;
      span.set({ "mcp.protocol.version": revision, "mcp.session.id": transport.sessionId });
      if (error && errorType) {
        span.set({ "rpc.response.status_code": errorType });
        // Not the message when the request named what the server does not offer: it quotes the caller's text.
        span.fail(errorType, call.unknown ?? statusOf(error.message));
      }
      span.end();
    };

    watchTransport(transport, {
      cancelled(id) {
        const gone = pending.get(id);
        if (!gone) return;
        pending.delete(id);
        finish(gone, "cancelled");
      },
      around(message, extra, deliver) {
        const call = begin(message, extra, observed);
        if (!call) return deliver(message, extra);
        const id = (message as { id?: unknown }).id;
        if (typeof id === "string" || typeof id === "number") pending.set(id, call);
        try {
          if (call.span) call.span.within(() => deliver(message, extra));
          else deliver(message, extra);
        } finally {
          // A notification has no answer: it is done once handed to the SDK.
          if (id === undefined) finish(call, {});
        }
      },
      awaits: () => pending.size > 0,
      answered(answer) {
        const { id, error } = answer as { id: string | number; error?: { code: unknown; message: unknown } };
        const call = pending.get(id);
        if (!call) return;
        pending.delete(id);
        finish(call, error ? { error } : {});
      },
      closed() {
        // Requests the closed connection will never answer ended as cancelled ones do: the client went away.
        for (const call of pending.values()) finish(call, "cancelled");
        pending.clear();
        if (observed.session) {
          stats.recordSession({
            seconds: (performance.now() - connected) / 1000,
            protocolVersion: servedRevision(server.server.getNegotiatedProtocolVersion() ?? revision),
            transport: observed.session,
          });
        }
      },
    });
  });
}

/** A request or notification to observe, its span started (when tracing is on); undefined for anything else. */
function begin(message: unknown, extra: MessageExtraInfo | undefined, observed: ObservedServer): Pending | undefined {
  const { method, id, params } = message as { method?: unknown; id?: unknown; params?: unknown };
  // Answers to the server's own requests carry no method; tools/call has spans of its own.
  if (typeof method !== "string" || method === "tools/call") return undefined;
  if (id !== undefined && typeof id !== "string" && typeof id !== "number") return undefined;
  const known = knownMethod(method);
  const named = promptOf(method, params);
  const prompt = named !== undefined && observed.offersPrompt(named) ? named : undefined;
  const unknown = !known ? "unknown method" : named !== undefined && !prompt ? "unknown prompt" : undefined;
  const meta = (params as { _meta?: Record<string, unknown> } | undefined)?._meta;
  const call: Pending = {
    method: known ?? "_OTHER",
    prompt,
    unknown,
    started: performance.now(),
    span: undefined,
    meta,
    extra,
  };
  const traces = tracing();
  if (!traces.enabled) return call;
  const header = (name: string) => extra?.request?.headers.get(name);
  const parent = callerTrace(meta, header);
  const link = transportTrace(meta, header);
  const uri = (params as { uri?: unknown } | undefined)?.uri;
  call.span = traces.startSpan(requestSpanName(call.method, prompt), {
    kind: "server",
    attributes: {
      ...requestSpanAttributes({
        method: call.method,
        name: prompt,
        id: id as string | number | undefined,
        transport: extra?.request ? "tcp" : "pipe",
        clientAddress: auditAddress(extra?.authInfo) ?? undefined,
      }),
      "mcp.resource.uri":
        URI_METHODS.has(method) && typeof uri === "string" && uri.length <= MAX_SPAN_URI_CHARS ? uri : undefined,
    },
    ...(parent ? { parent } : {}),
    ...(link ? { links: [link] } : {}),
  });
  return call;
}

/** The prompt a `prompts/get` or a `completion/complete` (of a prompt's argument) names, as sent. */
function promptOf(method: string, params: unknown): string | undefined {
  const p = params as { name?: unknown; ref?: { type?: unknown; name?: unknown } } | null | undefined;
  const name =
    method === "prompts/get"
      ? p?.name
      : method === "completion/complete" && p?.ref?.type === "ref/prompt"
        ? p.ref.name
        : undefined;
  return typeof name === "string" ? name : undefined;
}

/** A JSON-RPC error's message as a span's status: its first line, at most MAX_STATUS_CHARS. */
function statusOf(message: unknown): string | undefined {
  return typeof message === "string" ? (message.split("\n")[0] ?? "").slice(0, MAX_STATUS_CHARS) : undefined;
}
