// The SDK answers tools/list, prompts/list and resources/templates/list in one page and ignores a `cursor`: a client
// that sends one (a stale or made-up token, or another list's nextCursor) gets the whole list back as if it were the
// page after the cursor, where the spec wants an invalid cursor refused with invalid params (-32602). These lists
// never have a next page, so no cursor is one this server gave. (resources/list is paged by core, resource.ts.)
import { type McpServer, ProtocolErrorCode } from "@modelcontextprotocol/server";
import { cancelledRequestId, onConnect } from "./request-watch.js";

/** The lists the SDK sends whole, in one page with no nextCursor. */
const UNPAGED = new Set(["tools/list", "prompts/list", "resources/templates/list"]);

/** The answer to a `method` request that carried a cursor: no page comes after the first. */
export function unpagedCursorMessage(method: string): string {
  return `Invalid cursor: ${method} is answered in one page and gives no nextCursor; leave cursor out to get the whole list`;
}

/**
 * Have `server` refuse a text cursor on a list it answers in one page with invalid params (-32602), on every
 * connection from the next on. Only an answer the SDK would have given as a result is replaced, so a request it
 * refuses for another reason (a cursor that is not text, a missing envelope) keeps that answer. Install it after
 * anything that watches answers (the audit trail), so they see this answer.
 */
export function refuseUnpagedCursors(server: McpServer): void {
  onConnect(server, (transport) => {
    // The ids of such requests, each until its answer goes out.
    const pending = new Map<string | number, string>();
    const onmessage = transport.onmessage;
    transport.onmessage = (message, extra) => {
      const request = message as { id?: string | number; method?: unknown; params?: { cursor?: unknown } };
      if (request.id !== undefined && typeof request.method === "string") {
        // A new request under an id is a new request, whatever an earlier one under it was.
        if (UNPAGED.has(request.method) && typeof request.params?.cursor === "string") {
          pending.set(request.id, request.method);
        } else if (pending.size > 0) pending.delete(request.id);
      }
      // A cancelled request gets no answer: forgotten here, or a later request under its id got this refusal.
      const cancelled = cancelledRequestId(message);
      if (cancelled !== undefined) pending.delete(cancelled);
      onmessage?.(message, extra);
    };
    const send = transport.send.bind(transport);
    transport.send = (message, options) => {
      if (pending.size === 0) return send(message, options);
      const { id, result } = message as { id?: string | number; result?: unknown };
      const method = id === undefined ? undefined : pending.get(id);
      if (method === undefined || id === undefined) return send(message, options);
      pending.delete(id);
      if (result === undefined) return send(message, options);
      const error = { code: ProtocolErrorCode.InvalidParams, message: unpagedCursorMessage(method) };
      return send({ jsonrpc: "2.0", id, error }, options);
    };
  });
}
