// The JSON-RPC messages a server's connections carry, watched: each request as it comes in, each answer as it goes
// out, each cancel, the close. The SDK answers some requests itself, before any handler of ours runs (an unknown
// method, a tool that does not exist), and this is the one place those are seen: by the audit trail
// (audit-connection.ts), the telemetry of calls to tools that do not exist (unknown-tool.ts) and of every other
// request (request-telemetry.ts), a 2025 session's cancelled calls (call-streams.ts), and the end of a 2025 call that
// asked its user (asked-calls.ts); and where those answers are told what to do instead (invalid-params.ts,
// unknown-tool.ts, unknown-resource.ts).
//
// One watcher on one transport, in this order. A message coming in: `request` (a request it wants), `cancelled` (a
// cancel), then `around`, which hands it on (without `around`, it is handed on as it came). An answer going out:
// `answered`, then it is sent, then `sent`. The close: `closed`, then whoever was told of it before. A watcher
// installed later wraps those before it: it sees a message first, and an answer first and sent last (so what rewrites
// an answer, explainErrors, is installed after what watches answers). A watcher that throws from any hook but
// `around` is reported to the transport's `onerror` (the server's onerror, once connected) and the message, the answer
// or the close goes on: a bug in what watches never loses a request. `around` owns the handing on, and what it throws
// is the handler's.
import {
  isJSONRPCRequest,
  type JSONRPCErrorResponse,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type JSONRPCResultResponse,
  type McpServer,
  type MessageExtraInfo,
  ProtocolErrorCode,
  type Transport,
} from "@modelcontextprotocol/server";

/** Hands a message on to whoever the transport gave it to before a watcher was installed (the SDK, in the end). */
export type Deliver = (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

/** Told of the messages a transport carries: every hook is optional, and a transport is wrapped only where one is. */
export interface RequestWatcher {
  /**
   * Whether a request for `method` with `params` (as sent, unchecked) may be one `request` acts on; all are by default.
   * Asked first: the SDK's isJSONRPCRequest is a schema parse, too costly to run on every message for nothing.
   */
  wants?(method: string, params: unknown): boolean;
  request?(message: JSONRPCRequest, extra: MessageExtraInfo | undefined, transport: Transport): void;
  /** Told of a client's `notifications/cancelled` for the request `requestId`, which then gets no answer. */
  cancelled?(requestId: string | number): void;
  /**
   * Hand `message` on with `deliver` (once, more than once or not at all), doing what must happen around the SDK's
   * handling of it: a span current while it runs, what follows once it has.
   */
  around?(message: JSONRPCMessage, extra: MessageExtraInfo | undefined, deliver: Deliver): void;
  /** Whether `answered` and `sent` act on any answer now (they await one); always by default. Asked first. */
  awaits?(): boolean;
  /** Told of each answer (a result or an error, to a request with an id) before it is sent. */
  answered?(message: JSONRPCResultResponse | JSONRPCErrorResponse): void;
  /** Told of each answer once the transport has sent it (written to its stream); not of one whose send failed. */
  sent?(message: JSONRPCResultResponse | JSONRPCErrorResponse): void;
  /** Told that the transport closed, before those told of it earlier (the SDK, which ends what is under way). */
  closed?(): void;
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
  onConnect(server, (transport) => watchTransport(transport, watcher));
}

/** Have `watcher` see what `transport` carries from now on, in the order the header says; once wired (connected). */
export function watchTransport(transport: Transport, watcher: RequestWatcher): void {
  const { request, cancelled, around, answered, sent, closed } = watcher;
  if (request || cancelled || around) {
    const deliver: Deliver = transport.onmessage ?? ignore;
    transport.onmessage = (message, extra) => {
      if (request) {
        const { method, params } = message as { method?: unknown; params?: unknown };
        // A request's method is text: anything else is no request, and needs no parse to say so.
        if (typeof method === "string" && (watcher.wants?.(method, params) ?? true) && isJSONRPCRequest(message)) {
          try {
            watcher.request?.(message, extra, transport);
          } catch (error) {
            report(transport, error);
          }
        }
      }
      if (cancelled) {
        const requestId = cancelledRequestId(message);
        if (requestId !== undefined) {
          try {
            watcher.cancelled?.(requestId);
          } catch (error) {
            report(transport, error);
          }
        }
      }
      if (around) watcher.around?.(message, extra, deliver);
      else deliver(message, extra);
    };
  }
  if (answered || sent) {
    const send = transport.send.bind(transport);
    transport.send = (message, options) => {
      const answer = (watcher.awaits?.() ?? true) && isAnswer(message) ? message : undefined;
      if (answer && answered) {
        try {
          watcher.answered?.(answer);
        } catch (error) {
          report(transport, error);
        }
      }
      const sending = send(message, options);
      if (!answer || !sent) return sending;
      return sending.then(() => {
        try {
          watcher.sent?.(answer);
        } catch (error) {
          report(transport, error);
        }
      });
    };
  }
  if (closed) {
    const onclose = transport.onclose;
    transport.onclose = () => {
      try {
        watcher.closed?.();
      } catch (error) {
        report(transport, error);
      }
      onclose?.();
    };
  }
}

/**
 * Whether what a server sends is an answer: an id and a result or an error. Our servers' messages are the SDK's own,
 * well formed, so a look at three fields says it where the SDK's guards would parse a schema on every answer.
 */
function isAnswer(message: JSONRPCMessage): message is JSONRPCResultResponse | JSONRPCErrorResponse {
  const { id, result, error } = message as { id?: unknown; result?: unknown; error?: unknown };
  return (typeof id === "string" || typeof id === "number") && (result !== undefined || error !== undefined);
}

function ignore(): void {}

/** A watcher's error, to the transport's onerror (the server's, once connected), never to the message's sender. */
function report(transport: Transport, error: unknown): void {
  transport.onerror?.(error instanceof Error ? error : new Error(String(error)));
}

/** Where a server's protocol keeps the hooks onConnect gave it, in the order given. */
const CONNECT_HOOKS = Symbol("mcp-toolkit.connectHooks");

type Hooked = McpServer["server"] & { [CONNECT_HOOKS]?: ((transport: Transport) => void)[] };

/**
 * Run `hook` on each transport `server` connects to, from its next connection on, once the SDK has wired it; hooks
 * run in the order given. The SDK's connect is wrapped once per server, whatever the number of hooks: a server built
 * per HTTP request is given about ten, and a wrapper each cost every request an async step of its own.
 */
export function onConnect(server: McpServer, hook: (transport: Transport) => void): void {
  const protocol: Hooked = server.server;
  const hooks = protocol[CONNECT_HOOKS];
  if (hooks) {
    hooks.push(hook);
    return;
  }
  const all = [hook];
  protocol[CONNECT_HOOKS] = all;
  const connect = protocol.connect.bind(protocol);
  protocol.connect = async (transport: Transport) => {
    await connect(transport);
    for (const each of all) each(transport);
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
