// A question put to the user on a 2025-era connection (--confirm destructive's "go ahead?") goes out as
// elicitation/create while the call's own request waits for the answer. The SDK waits 10 minutes a question by
// default, past an SDK client's 60 s, nginx's 120 s proxy_read_timeout and a client gone away (in a --stateful session
// a dropped POST is not a cancel: the call ran on, holding its caller's slot). Our servers wait QUESTION_WAIT_MS, and
// the SDK's "Fulfilling input required by 'tools/call' failed: Request timed out" is told as what it means.
// (A 2026-07-28 client is asked within the call, multi round-trip: no request waits on the user there.)
import type { McpServer } from "@modelcontextprotocol/server";
import { onConnect } from "./request-watch.js";

/** How long a call waits for its user to answer a question on a 2025-era connection. */
export const QUESTION_WAIT_MS = 90_000;

/** The SDK's words for a question whose answer did not come in time (its timeout error, code -32001). */
const TIMED_OUT = /^Fulfilling input required by '[^']+' failed: (MCP error -32001: )?Request timed out\b/;

/** What a call whose question went unanswered tells the model, or undefined for any other text. */
export function unansweredMessage(text: string, waitMs = QUESTION_WAIT_MS): string | undefined {
  if (!TIMED_OUT.test(text)) return undefined;
  return `Not done: the user was asked to confirm this call and gave no answer within ${waitMs / 1000} s, so the question was withdrawn. Nothing was changed; call again when the user is there to answer.`;
}

/** Have `server`'s tool results that only say a question timed out say what happened, from its next connection on. */
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
