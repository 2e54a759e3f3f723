// A 2025-era call that asks its user (--confirm destructive's "go ahead?") has its question put by the SDK, which
// holds the call's request open and runs the handler again with the answer. When no answer comes — the question's
// wait ends, the client fails to ask, the client cancels the call or goes away — the handler never runs again: the
// SDK answers the call itself, or (cancelled) nobody, and the call's audit line and stats said only that it asked.
// Here such a call's end is told to the registration that wrote that line. (A 2026-07-28 call is asked in a result,
// each round a request of its own, which ends there.)
import type { CallToolResult, McpServer } from "@modelcontextprotocol/server";
import { watchRequests } from "./request-watch.js";
import { CANCELLED_BY_CLIENT, fail } from "./results.js";
import { SHUTTING_DOWN } from "./running-calls.js";

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
}

/** Watch `server`'s answers, from its next connection on, for the calls reported to `asked`. */
export function watchAskedCalls(server: McpServer): AskedCalls {
  const waiting = new Map<string | number, Waiting>();
  const take = (id: string | number): Waiting | undefined => {
    const call = waiting.get(id);
    if (call === undefined) return undefined;
    waiting.delete(id);
    call.signal.removeEventListener("abort", call.onAbort);
    return call;
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
      waiting.set(id, { signal, onAbort, ended });
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    },
    resumed(id) {
      take(id);
    },
  };
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
