// Every request a server answers writes one audit line, on stdio and HTTP alike: the line is written when the answer
// goes out, so a JSON-RPC error (an unknown method, a missing resource, a tool that does not exist) is an `error`
// with its code and message. A tool call that reached its tool writes its own line (tool.ts: arguments, result,
// "asked"); this covers every other request, and the calls the SDK answered before the tool ran. A request its
// client cancels (notifications/cancelled) gets no answer: its line, `cancelled`, is written when the cancel comes.
// One whose connection closes first (an HTTP client gone mid-request, a session ended, stdin closed) is never
// answered either: its line is written as the connection closes, as a tool call's is when its tool stops.
import {
  type AuthInfo,
  isJSONRPCErrorResponse,
  isJSONRPCResultResponse,
  type JSONRPCErrorResponse,
  type JSONRPCResultResponse,
  type McpServer,
} from "@modelcontextprotocol/server";
import {
  type AuditEntry,
  type AuditLog,
  argsDigest,
  auditAddress,
  auditCaller,
  auditName,
  auditRequestId,
} from "./audit-log.js";
import { callerOf } from "./caller.js";
import { watchRequests } from "./request-watch.js";
import { CANCELLED_BY_CLIENT } from "./results.js";
import { SHUTTING_DOWN } from "./running-calls.js";

/** Why a request its client went away from (its connection closed before the answer) got no answer. */
export const CLOSED_BY_CLIENT = `${CANCELLED_BY_CLIENT}: it closed the connection before the answer`;

/** Why a request the server, stopping, closed the connection of got no answer. */
export const CLOSED_BY_SHUTDOWN = `${SHUTTING_DOWN} and closed the connection before the answer, so the client got none`;

/** A request seen coming in, until its answer goes out. */
interface Pending {
  method: string;
  tool: string | null;
  args: unknown;
  authInfo: AuthInfo | undefined;
  started: number;
  /** The tool wrote the line itself. */
  written: boolean;
}

/**
 * Have `server` write an audit line for each request it answers, or never will (cancelled, or its connection closed;
 * `stopping` says whether the server closed it by shutting down). Returns the trail its tools should write to: a
 * tool's own line stands in for the one this would write.
 */
export function auditConnection(
  server: McpServer,
  audit: AuditLog,
  redact: ((text: string) => string) | undefined,
  stopping: () => boolean = () => false,
): AuditLog {
  const pending = new Map<string | number, Pending>();
  watchRequests(server, {
    request(message, extra) {
      const params = message.params as { name?: unknown; arguments?: unknown } | undefined;
      const isCall = message.method === "tools/call";
      pending.set(message.id, {
        method: message.method,
        tool: isCall && typeof params?.name === "string" ? params.name : null,
        args: isCall ? (params?.arguments ?? {}) : undefined,
        authInfo: extra?.authInfo,
        started: performance.now(),
        written: false,
      });
      // The HTTP gate writes lines only for what no server saw (a request refused before it was dispatched).
      (extra?.authInfo?.extra?.seen as Set<string | number> | undefined)?.add(message.id);
    },
    answered,
    cancelled(id) {
      const request = pending.get(id);
      // A tool call writes its own line when its tool stops, saying how far it got.
      if (!request || request.method === "tools/call") return;
      pending.delete(id);
      if (!request.written) audit.write(entryOf(id, request, { outcome: "cancelled", reason: CANCELLED_BY_CLIENT }, 0));
    },
    closed() {
      // The SDK drops what the closed connection's handlers answer later: those requests end here, unanswered.
      const outcome: Pick<AuditEntry, "outcome" | "reason"> = stopping()
        ? { outcome: "error", reason: CLOSED_BY_SHUTDOWN }
        : { outcome: "cancelled", reason: CLOSED_BY_CLIENT };
      for (const [id, request] of pending) {
        // A tool call writes its own line when its tool stops, as for a cancel.
        if (request.method !== "tools/call" && !request.written) audit.write(entryOf(id, request, outcome, 0));
      }
      pending.clear();
    },
  });

  function answered(message: JSONRPCResultResponse | JSONRPCErrorResponse): void {
    const id = message.id;
    if (id === undefined) return;
    const request = pending.get(id);
    if (!request) return;
    pending.delete(id);
    if (request.written) return;
    const error = isJSONRPCErrorResponse(message) ? message.error : undefined;
    const result = isJSONRPCResultResponse(message)
      ? (message.result as { isError?: boolean; content?: { type: string; text?: string }[] })
      : undefined;
    const first = result?.content?.[0];
    const failed = error !== undefined || result?.isError === true;
    const outcome: Pick<AuditEntry, "outcome" | "reason"> = {
      outcome: failed ? "error" : "ok",
      reason: error
        ? `${error.code} ${firstLine(error.message)}`
        : failed && first?.type === "text"
          ? firstLine(first.text ?? "")
          : null,
    };
    const bytes = Buffer.byteLength(JSON.stringify(error ? message : (message as { result: unknown }).result));
    audit.write(entryOf(id, request, outcome, bytes));
  }

  function entryOf(
    id: string | number,
    request: Pending,
    outcome: Pick<AuditEntry, "outcome" | "reason">,
    bytes: number,
  ): AuditEntry {
    return {
      ts: new Date().toISOString(),
      request_id: auditRequestId((request.authInfo?.extra?.requestId as string | undefined) ?? "stdio", id),
      caller: auditCaller(callerOf(request.authInfo)),
      client_address: auditAddress(request.authInfo),
      method: auditName(request.method),
      tool: request.tool === null ? null : auditName(request.tool),
      ...(request.args !== undefined ? argsDigest(request.args, redact) : { args_sha256: null, args_preview: null }),
      ...outcome,
      duration_ms: Math.round(performance.now() - request.started),
      bytes,
    };
  }

  return {
    write: (entry) => audit.write(entry),
    toolCall(call) {
      const request = pending.get(call.rpcId);
      if (request) request.written = true;
      audit.toolCall(call);
    },
    reopen: () => audit.reopen(),
    close: () => audit.close(),
  };
}

/** The first line of a message, at most 300 characters, as audit reasons are. */
function firstLine(text: string): string {
  return (text.split("\n")[0] ?? "").slice(0, 300);
}
