// A request for a method the server does not answer is refused by the SDK before any handler of ours runs, with a
// bare "Method not found" (-32601; over HTTP in 2026-07-28 with 404, as that revision's transport requires), which
// names neither the method nor what the client could call instead. Here the answer names both, for the request's
// revision: a 2026-07-28 client that still sends ping or initialize, or a 2025-era one sending server/discover, is
// told what this server answers it. The code, and so the HTTP status, stay the SDK's.
import {
  type McpServer,
  PROTOCOL_VERSION_META_KEY,
  ProtocolErrorCode,
  type ServerCapabilities,
} from "@modelcontextprotocol/server";
import { revisionShaped } from "./request-span.js";
import { onConnect } from "./request-watch.js";
import { requestRevision } from "./tool-telemetry.js";

/** The SDK's words for a method it has no handler for. */
const SDK_MESSAGE = "Method not found";

/** How much of the client's method name is quoted back. */
const NAME_CHARS = 100;

/**
 * The methods a server with `capabilities` answers: in 2026-07-28 (`modern`), or on a 2025-era connection (which
 * starts with initialize). Only what our servers declare is listed (no logging, no resource subscriptions).
 */
export function answeredMethods(capabilities: ServerCapabilities, modern: boolean): string[] {
  return [
    ...(modern ? ["server/discover", "subscriptions/listen"] : ["initialize", "ping"]),
    ...(capabilities.tools ? ["tools/list", "tools/call"] : []),
    ...(capabilities.prompts ? ["prompts/list", "prompts/get"] : []),
    ...(capabilities.resources ? ["resources/list", "resources/templates/list", "resources/read"] : []),
    ...(capabilities.completions ? ["completion/complete"] : []),
  ];
}

/** Whether a server with `capabilities` answers `method` (as answeredMethods lists them), without building the list. */
export function answersMethod(capabilities: ServerCapabilities, modern: boolean, method: string): boolean {
  switch (method) {
    case "server/discover":
    case "subscriptions/listen":
      return modern;
    case "initialize":
    case "ping":
      return !modern;
    case "tools/list":
    case "tools/call":
      return Boolean(capabilities.tools);
    case "prompts/list":
    case "prompts/get":
      return Boolean(capabilities.prompts);
    case "resources/list":
    case "resources/templates/list":
    case "resources/read":
      return Boolean(capabilities.resources);
    case "completion/complete":
      return Boolean(capabilities.completions);
    default:
      return false;
  }
}

/** The answer to a request for `method`, which is not one of `answered`, in `revision` (when known). */
export function unknownMethodMessage(
  method: string,
  revision: string | undefined,
  answered: readonly string[],
  modern: boolean,
): string {
  const name = method.length > NAME_CHARS ? `${method.slice(0, NAME_CHARS)}…` : method;
  const era = revision ? `MCP ${revision}` : modern ? "MCP 2026-07-28" : "2025-era MCP";
  const start = modern ? "server/discover says what it offers" : "initialize's result says what it offers";
  return `${SDK_MESSAGE}: ${JSON.stringify(name)} is not a method this server answers in ${era}; it answers ${answered.join(", ")} (${start})`;
}

/** A request the SDK will refuse, until its answer goes out. */
interface Unknown {
  method: string;
  revision: string | undefined;
  modern: boolean;
}

/**
 * Have `server`'s answers to requests for methods it does not answer name the method and those it does, from its
 * next connection on. Install it after anything that watches answers (the audit trail), so they see this answer.
 */
export function explainUnknownMethods(server: McpServer): void {
  onConnect(server, (transport) => {
    // Only requests for methods not answered are held, and the SDK refuses those at once.
    const pending = new Map<string | number, Unknown>();
    const onmessage = transport.onmessage;
    transport.onmessage = (message, extra) => {
      // A request is a message with a method and an id; the SDK validates it whole (its isJSONRPCRequest is a schema
      // parse, too costly to run twice on every message).
      const request = message as {
        id?: string | number;
        method?: unknown;
        params?: { _meta?: Record<string, unknown> };
      };
      if (typeof request.method === "string" && request.id !== undefined) {
        const meta = request.params?._meta;
        const modern = meta?.[PROTOCOL_VERSION_META_KEY] !== undefined;
        if (!answersMethod(server.server.getCapabilities(), modern, request.method)) {
          const revision = revisionShaped(requestRevision(server, meta, extra?.request?.headers));
          pending.set(request.id, { method: request.method, revision, modern });
        }
      }
      onmessage?.(message, extra);
    };
    const send = transport.send.bind(transport);
    transport.send = (message, options) => {
      if (pending.size === 0) return send(message, options);
      const { id, error } = message as { id?: string | number; error?: { code?: unknown; message?: unknown } };
      const unknown = id === undefined ? undefined : pending.get(id);
      if (unknown && id !== undefined) {
        pending.delete(id);
        if (error?.code === ProtocolErrorCode.MethodNotFound && error.message === SDK_MESSAGE) {
          const methods = answeredMethods(server.server.getCapabilities(), unknown.modern);
          error.message = unknownMethodMessage(unknown.method, unknown.revision, methods, unknown.modern);
        }
      }
      return send(message, options);
    };
  });
}
