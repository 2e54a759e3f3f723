// A question put to the user on a 2025-era connection (--confirm destructive's "go ahead?") goes out as
// elicitation/create while the call's own request waits for the answer. The SDK waits 10 minutes a question by
// default, past an SDK client's 60 s, nginx's 120 s proxy_read_timeout and a client gone away (in a --stateful session
// a dropped POST is not a cancel: the call ran on, holding its caller's slot). Our servers wait QUESTION_WAIT_MS, and
// the SDK's "Fulfilling input required by 'tools/call' failed: Request timed out" is told as what it means, as is
// the same text for a client whose elicitation handler failed ("...failed: client broke"), which says neither that
// nothing was changed nor what to do.
// (A 2026-07-28 client is asked within the call, multi round-trip: no request waits on the user there.)
import type { McpServer } from "@modelcontextprotocol/server";
import { QUESTION_WITHDRAWN } from "./asked-calls.js";
import { cutIndex } from "./cut-index.js";
import { onConnect } from "./request-watch.js";
import { SHUTTING_DOWN } from "./running-calls.js";

/** How long a call waits for its user to answer a question on a 2025-era connection. */
export const QUESTION_WAIT_MS = 90_000;

/** The SDK's words for a question whose answer did not come in time (its timeout error, code -32001). */
const TIMED_OUT = /^Fulfilling input required by '[^']+' failed: (MCP error -32001: )?Request timed out\b/;

/**
 * The SDK's words for a question the client could not put: its elicitation handler threw or answered an error, or
 * its answer was not an elicitation result (then a list of schema issues, over many lines).
 */
const CLIENT_FAILED = /^Fulfilling input required by '[^']+' failed: (.+)/s;

/** A closed connection has no one to read the result: it is left as the SDK words it. */
const CLOSED = /^(MCP error -32000: )?Connection closed\b/;

/** How much of the client's own reason is quoted, in UTF-16 units (one fewer where a pair would be split). */
const REASON_CHARS = 200;

/**
 * What a call whose question went unanswered, or could not be put to the user, tells the model; undefined for any
 * other text.
 */
export function unansweredMessage(text: string, waitMs = QUESTION_WAIT_MS): string | undefined {
  if (TIMED_OUT.test(text)) {
    return `Not done: the user was asked to confirm this call and gave no answer within ${waitMs / 1000} s, so the question was withdrawn. Nothing was changed; call again when the user is there to answer.`;
  }
  // On one line: a reason's first line alone can be just "Invalid result for elicitation/create: [".
  const reason = CLIENT_FAILED.exec(text)?.[1]?.replace(/\s+/g, " ").trim();
  if (!reason || CLOSED.test(reason)) return undefined;
  // The server stopping withdrew the question (asked-calls.ts), in the words it handed the SDK.
  if (reason === QUESTION_WITHDRAWN) {
    return `Not done: the user was asked to confirm this call, and ${SHUTTING_DOWN}, so the question was withdrawn before they answered. Nothing was changed; call again (another instance may answer).`;
  }
  const quoted = reason.length > REASON_CHARS ? `${reason.slice(0, cutIndex(reason, REASON_CHARS))}…` : reason;
  return `Not done: this call needs the user's confirmation, and their client failed to ask them (it reported: ${quoted}). Nothing was changed. Call again to have the user asked again; if it fails again, tell the user their client cannot show the confirmation question, so this cannot be done through it until that is fixed.`;
}

/**
 * Have `server`'s tool results that only say a question timed out, or that the client failed to ask it, say what
 * happened, from its next connection on.
 */
export function explainUnansweredQuestions(server: McpServer): void {
  onConnect(server, (transport) => {
    const send = transport.send.bind(transport);
    transport.send = (message, options) => {
      const result = (message as { result?: { isError?: unknown; content?: unknown } }).result;
      const first = result?.isError === true && Array.isArray(result.content) ? result.content[0] : undefined;
      const explained = typeof first?.text === "string" ? unansweredMessage(first.text) : undefined;
      if (explained !== undefined) first.text = explained;
      return send(message, options);
    };
  });
}
