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

/** Who answers each method: a 2026-07-28 request, a 2025-era one, or a server declaring that capability. */
const ANSWERED_BY: ReadonlyMap<string, "modern" | "legacy" | keyof ServerCapabilities> = new Map([
  ["server/discover", "modern"],
  ["subscriptions/listen", "modern"],
  ["initialize", "legacy"],
  ["ping", "legacy"],
  ["tools/list", "tools"],
  ["tools/call", "tools"],
  ["prompts/list", "prompts"],
  ["prompts/get", "prompts"],
  ["resources/list", "resources"],
  ["resources/templates/list", "resources"],
  ["resources/read", "resources"],
  ["completion/complete", "completions"],
]);

/**
 * The methods a server with `capabilities` answers: in 2026-07-28 (`modern`), or on a 2025-era connection (which
 * starts with initialize). Only what our servers declare is listed (no logging, no resource subscriptions).
 */
export function answeredMethods(capabilities: ServerCapabilities, modern: boolean): string[] {
  return [...ANSWERED_BY.keys()].filter((method) => answersMethod(capabilities, modern, method));
}

/** Whether a server with `capabilities` answers `method` (as answeredMethods lists them), without building the list. */
export function answersMethod(capabilities: ServerCapabilities, modern: boolean, method: string): boolean {
  const by = ANSWERED_BY.get(method);
  if (by === undefined) return false;
  if (by === "modern" || by === "legacy") return modern === (by === "modern");
  return Boolean(capabilities[by]);
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
