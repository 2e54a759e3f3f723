// The JSON-RPC messages a server's connections carry, watched: each request as it comes in, each answer as it goes
// out. The SDK answers some requests itself, before any handler of ours runs (an unknown method, a tool that does
// not exist), and this is the one place those are seen: by the audit trail (audit-connection.ts) and by the
// telemetry of calls to tools that do not exist (unknown-tool.ts); and where those answers are told what to do
// instead (invalid-params.ts, unknown-tool.ts, unknown-resource.ts).
import {
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCErrorResponse,
  type JSONRPCRequest,
  type JSONRPCResultResponse,
  type McpServer,
  type MessageExtraInfo,
  ProtocolErrorCode,
  type Transport,
} from "@modelcontextprotocol/server";

/** Told of the requests a server receives and the answers it sends, on every transport it connects to. */
export interface RequestWatcher {
  /**
   * Whether a request for `method` with `params` (as sent, unchecked) may be one `request` acts on; all are by default.
   * Asked first: the SDK's isJSONRPCRequest is a schema parse, too costly to run on every message for nothing.
   */
  wants?(method: string, params: unknown): boolean;
  request(message: JSONRPCRequest, extra: MessageExtraInfo | undefined, transport: Transport): void;
  /** Whether `answered` acts on any answer now (it awaits one); always by default. Asked first, as `wants` is. */
  awaits?(): boolean;
  answered(message: JSONRPCResultResponse | JSONRPCErrorResponse): void;
  /** Told of a client's `notifications/cancelled` for the request `requestId`, which then gets no answer. */
  cancelled?(requestId: string | number): void;
}

/** The id of the request a client's `notifications/cancelled` message cancels; undefined for any other message. */
export function cancelledRequestId(message: unknown): string | number | undefined {
  const { method, params } = message as { method?: unknown; params?: { requestId?: unknown } | null };
  if (method !== "notifications/cancelled") return undefined;
  const requestId = params?.requestId;
  return typeof requestId === "string" || typeof requestId === "number" ? requestId : undefined;
}

/** Have `watcher` see every request `server` receives and every answer it sends, from its next connection on. */
export function watchRequests(server: McpServer, watcher: RequestWatcher): void {
  onConnect(server, (transport) => {
    const onmessage = transport.onmessage;
    transport.onmessage = (message, extra) => {
      const { method, params } = message as { method?: unknown; params?: unknown };
      // A request's method is text: anything else is no request, and needs no parse to say so.
      if (typeof method === "string" && (watcher.wants?.(method, params) ?? true) && isJSONRPCRequest(message)) {
        watcher.request(message, extra, transport);
      }
      if (watcher.cancelled) {
        const requestId = cancelledRequestId(message);
        if (requestId !== undefined) watcher.cancelled(requestId);
      }
      onmessage?.(message, extra);
    };
    const send = transport.send.bind(transport);
    transport.send = (message, options) => {
      if ((watcher.awaits?.() ?? true) && (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message))) {
        watcher.answered(message);
      }
      return send(message, options);
    };
  });
}

/** Run `hook` on each transport `server` connects to, from its next connection on, once the SDK has wired it. */
export function onConnect(server: McpServer, hook: (transport: Transport) => void): void {
  const protocol = server.server;
  const connect = protocol.connect.bind(protocol);
  protocol.connect = async (transport: Transport) => {
    await connect(transport);
    hook(transport);
  };
}

/**
 * Have each error answer `server` sends with a code in `codes` say what `explain` makes of its message, as invalid
 * params (-32602), on every connection from the next on; `explain` returns undefined to leave an answer as it is.
 * Install it after anything that watches answers (the audit trail), so they see the explained answer.
 */
export function explainErrors(
  server: McpServer,
  codes: readonly number[],
  explain: (message: string) => string | undefined,
): void {
  onConnect(server, (transport) => {
    const send = transport.send.bind(transport);
    transport.send = (message, options) => {
      const error = (message as { error?: { code?: unknown; message?: unknown } }).error;
      if (typeof error?.code === "number" && codes.includes(error.code) && typeof error.message === "string") {
        const explained = explain(error.message);
        if (explained !== undefined)
          Object.assign(error, { code: ProtocolErrorCode.InvalidParams, message: explained });
      }
      return send(message, options);
    };
  });
}
