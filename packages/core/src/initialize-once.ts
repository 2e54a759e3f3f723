// A 2025-era connection is initialized once. The 2025-11-25 lifecycle makes `initialize` "the first interaction
// between client and server", after which both "MUST respect the negotiated protocol version"; 2026-07-28 has no
// `initialize` at all, and keeps it only to select legacy semantics "scoped to the stdio process (stdio) or the
// session (HTTP), as specified by the negotiated legacy protocol version". The SDK's server answers every
// `initialize` it is given, so on stdio a second one silently replaced the client's capabilities and the revision
// mid-connection. Over HTTP the SDK's session transport already refuses it ("Invalid Request: Server already
// initialized", -32600); this gives a connection (stdio, in process) the same answer, saying what to do instead.
import {
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type McpServer,
} from "@modelcontextprotocol/server";
import { onConnect } from "./request-watch.js";

/** JSON-RPC's Invalid Request, which the SDK's HTTP session transport gives a second `initialize`. */
const INVALID_REQUEST = -32600;

/** The refusal of an `initialize` after the one `initialized` (its revision, once answered) on this connection. */
export function secondInitializeMessage(initialized: string | undefined): string {
  const which = initialized ? `already initialized with protocol ${initialized}` : "already being initialized";
  return `Invalid Request: this connection is ${which}; initialize is sent once, as the first request. To start again with other capabilities or another revision, open a new connection (on stdio: start the server again)`;
}

/**
 * Have `server` refuse an `initialize` on a connection that already sent one (answered, or still being answered),
 * from its next connection on. An `initialize` that failed does not count: the client may try again. Install it
 * before anything that watches requests (the audit trail), so they see the refused request and its answer.
 */
export function initializeOnce(server: McpServer): void {
  onConnect(server, (transport) => {
    /** The first initialize's id while it is answered, then the revision it negotiated. */
    let pending: string | number | undefined;
    let initialized: string | undefined;
    const onmessage = transport.onmessage;
    transport.onmessage = (message, extra) => {
      // The method first: the SDK's isJSONRPCRequest is a schema parse, too costly to run on every message.
      if ((message as { method?: unknown }).method === "initialize" && isJSONRPCRequest(message)) {
        if (pending !== undefined || initialized !== undefined) {
          const error = { code: INVALID_REQUEST, message: secondInitializeMessage(initialized) };
          transport.send({ jsonrpc: "2.0", id: message.id, error }, { relatedRequestId: message.id }).catch(() => {});
          return;
        }
        pending = message.id;
      }
      onmessage?.(message, extra);
    };
    const send = transport.send.bind(transport);
    transport.send = (message, options) => {
      if (pending !== undefined && isJSONRPCResultResponse(message) && message.id === pending) {
        pending = undefined;
        initialized = String((message.result as { protocolVersion?: unknown }).protocolVersion);
      } else if (pending !== undefined && isJSONRPCErrorResponse(message) && message.id === pending) {
        pending = undefined;
      }
      return send(message, options);
    };
  });
}
