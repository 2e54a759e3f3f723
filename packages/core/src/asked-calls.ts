// A 2025-era call that asks its user (--confirm destructive's "go ahead?") has its question put by the SDK, which
// holds the call's request open and runs the handler again with the answer. When no answer comes — the question's
// wait ends, the client fails to ask, the client cancels the call or goes away — the handler never runs again: the
// SDK answers the call itself, or (cancelled) nobody, and the call's audit line and stats said only that it asked.
// Here such a call's end is told to the registration that wrote that line. (A 2026-07-28 call is asked in a result,
// each round a request of its own, which ends there.)
//
// A server that stops withdraws the questions still waiting, so that each such call is answered, as a running call
// is, that the server is shutting down, rather than have its connection close under it. The SDK's 2025 question is
// an elicitation/create request of its own, which the SDK settles only with the client's answer, its timeout or the
// connection closing; aborting the call instead would have the SDK answer nothing. So the client is told the question
// is withdrawn (notifications/cancelled, as the SDK says of a question whose wait ended), and the SDK is handed the
// answer the client would have given to it, an error saying why: the SDK then answers the call once, as for a client
// that failed to ask, and unanswered-question.ts words that answer.
import type { CallToolResult, JSONRPCMessage, McpServer, Transport } from "@modelcontextprotocol/server";
import { watchRequests } from "./request-watch.js";
import { CANCELLED_BY_CLIENT, fail } from "./results.js";
import { type AskingCall, type RunningCalls, SHUTTING_DOWN } from "./running-calls.js";

/** The error the SDK is handed for a question the stopping server withdrew, as its client's answer to it. */
export const QUESTION_WITHDRAWN = `${SHUTTING_DOWN}, so the question was withdrawn before the user answered`;

/** The JSON-RPC error code of that answer: an implementation-defined server error, as JSON-RPC reserves for them. */
const WITHDRAWN_CODE = -32000;

/** How a call that asked its user ended without its handler running again. */
export type AskedEnd = { result: CallToolResult } | { cancelled: true };

/** The calls of one server (one connection or session) waiting on their user's answer. */
export interface AskedCalls {
  /** Call `id`, whose signal is `signal`, asked its user: `ended` is told how it ends, unless its handler runs again. */
  asked(id: string | number, signal: AbortSignal, ended: (end: AskedEnd) => void): void;
  /** The handler runs again for call `id` (its user answered), and tells how the call ends itself. */
  resumed(id: string | number): void;
}

interface Waiting {
  signal: AbortSignal;
  onAbort: () => void;
  ended: (end: AskedEnd) => void;
  /** The id of the elicitation/create that puts its question, once the SDK has sent it. */
  question?: string | number;
  /** The server stopping has withdrawn its question (or will, once the question is sent). */
  withdrawn: boolean;
  /** How the server stopping reaches it (running-calls.ts). */
  asking?: AskingCall;
}

/**
 * Watch `server`'s answers, from its next connection on, for the calls reported to `asked`; `running` (the factory's)
 * withdraws their questions when the server stops. A server none of whose calls asks (a 2026-07-28 request's) is not
 * slowed: the questions it sends are watched from the first call that asks.
 */
export function watchAskedCalls(server: McpServer, running?: RunningCalls): AskedCalls {
  const waiting = new Map<string | number, Waiting>();
  let connection: Transport | undefined;
  const take = (id: string | number): Waiting | undefined => {
    const call = waiting.get(id);
    if (call === undefined) return undefined;
    waiting.delete(id);
    call.signal.removeEventListener("abort", call.onAbort);
    call.asking?.end();
    return call;
  };
  // The client is told first: over HTTP, the call's answer ends the stream the notice goes out on.
  const withdraw = (id: string | number, call: Waiting) => {
    call.withdrawn = true;
    const { question } = call;
    if (question === undefined || connection === undefined || waiting.get(id) !== call) return;
    const cancel = { method: "notifications/cancelled", params: { requestId: question, reason: QUESTION_WITHDRAWN } };
    connection.send({ jsonrpc: "2.0", ...cancel }, { relatedRequestId: id }).catch(() => {});
    const answer: JSONRPCMessage = {
      jsonrpc: "2.0",
      id: question,
      error: { code: WITHDRAWN_CODE, message: QUESTION_WITHDRAWN },
    };
    connection.onmessage?.(answer);
  };
  // Which question is each waiting call's, from the first call that asks on: the SDK sends it in the call's name.
  const watchQuestions = () => {
    const transport = server.server.transport;
    if (transport === undefined || transport === connection) return;
    connection = transport;
    const send = transport.send.bind(transport);
    transport.send = (message, options) => {
      const related = options?.relatedRequestId;
      const call = waiting.size > 0 ? questionOf(message, related, waiting) : undefined;
      if (call === undefined || related === undefined) return send(message, options);
      return send(message, options).then(() => {
        call.question = (message as { id: string | number }).id;
        if (call.withdrawn) withdraw(related, call);
      });
    };
  };
  watchRequests(server, {
    // Only while a call waits on its user's answer is any answer looked at.
    awaits: () => waiting.size > 0,
    answered(answer) {
      const call = answer.id === undefined ? undefined : take(answer.id);
      if (call === undefined) return;
      // The SDK's own answer: a result (the question's wait ended, the client failed to ask) or, rarely, an error.
      const result = "result" in answer ? (answer.result as CallToolResult) : undefined;
      const text = "error" in answer ? String(answer.error.message ?? "") : "";
      call.ended({ result: result ?? { content: [{ type: "text", text }], isError: true } });
    },
  });
  return {
    asked(id, signal, ended) {
      take(id);
      const onAbort = () => take(id)?.ended({ cancelled: true });
      const call: Waiting = { signal, onAbort, ended, withdrawn: false };
      waiting.set(id, call);
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      if (running === undefined) return;
      watchQuestions();
      call.asking = running.asking(() => withdraw(id, call));
    },
    resumed(id) {
      take(id);
    },
  };
}

/** The waiting call whose question `message` is, sent in the name of the call `related`; undefined for any other. */
function questionOf(
  message: JSONRPCMessage,
  related: unknown,
  waiting: ReadonlyMap<string | number, Waiting>,
): Waiting | undefined {
  const { method, id } = message as { method?: unknown; id?: unknown };
  if (method !== "elicitation/create" || (typeof id !== "string" && typeof id !== "number")) return undefined;
  return typeof related === "string" || typeof related === "number" ? waiting.get(related) : undefined;
}

/**
 * What the audit trail and stats take `tool`'s call to have answered, and whether it was cancelled, when it ended as
 * `end`. A connection closed by the server stopping (`stopping`) is no cancel of the client's, and answers nothing.
 */
export function askedAnswer(
  tool: string,
  end: AskedEnd,
  stopping: boolean,
): { answer: CallToolResult; cancelled: boolean } {
  if ("result" in end) return { answer: end.result, cancelled: false };
  if (!stopping) {
    return {
      answer: fail(`${tool} was not done: ${CANCELLED_BY_CLIENT} while the user was asked; nothing was changed`),
      cancelled: true,
    };
  }
  const why = `${SHUTTING_DOWN} and closed the connection while the user was asked, so the client got no answer`;
  return { answer: fail(`${tool} was not done: ${why}; nothing was changed`), cancelled: false };
}
