// A 2026-07-28 request that does not declare elicitation in its client capabilities cannot be asked the
// "go ahead?" of --confirm destructive. The spec has the server answer it with -32021
// (MissingRequiredClientCapability) and `data.requiredCapabilities`, so the client knows what to declare; the SDK
// does that itself when a handler asks such a request for input. Its message only says a capability is missing: here
// the answer also says why the server asks (the setting, in the terms of whoever configured it), what it would have
// asked, and what to do. Its code and data, and so the HTTP status (400), stay the SDK's.
import { type McpServer, ProtocolErrorCode } from "@modelcontextprotocol/server";
import { onConnect } from "./request-watch.js";
import { optionNames, type SettingNames } from "./setting-names.js";

/** What a call that needed the user's yes, from a client that did not declare elicitation, tells the model. */
export function unaskableMessage(question: string, names: SettingNames = optionNames): string {
  const setting = names("confirm", "destructive");
  return `Not done: this call needs the user's confirmation: the server runs with ${setting}, so a call that deletes or replaces a whole thing asks the user first, and this request's client capabilities do not declare elicitation (form mode), so the user cannot be asked ${JSON.stringify(question)}; nothing was changed, and calling again from this client fails the same way. Use a client that supports elicitation in form mode, or ask the server's operator, who set ${setting}.`;
}

/** Refused calls remembered at most, awaiting their answers (each answer follows its call at once, unless cancelled). */
const MAX_PENDING = 256;

/** The calls of one server that the SDK will refuse with -32021 for want of elicitation, until that answer goes out. */
export interface UnaskableCalls {
  /** The call with JSON-RPC id `id` will be refused so: its answer is to say `message` first. */
  refused(id: string | number, message: string): void;
}

/**
 * Have `server`'s -32021 answers to the calls reported to `refused` say their message before the SDK's, from its next
 * connection on. Install it after anything that watches answers (the audit trail), so they see this answer.
 */
export function explainUnaskableCalls(server: McpServer): UnaskableCalls {
  const pending = new Map<string | number, string>();
  onConnect(server, (transport) => {
    const send = transport.send.bind(transport);
    transport.send = (message, options) => {
      if (pending.size === 0) return send(message, options);
      const answer = message as { id?: unknown; error?: { code?: unknown; message?: unknown } };
      const id = answer.id;
      const explained = typeof id === "string" || typeof id === "number" ? pending.get(id) : undefined;
      if (explained !== undefined && ("result" in answer || answer.error !== undefined)) {
        pending.delete(id as string | number);
        const error = answer.error;
        if (error?.code === ProtocolErrorCode.MissingRequiredClientCapability && typeof error.message === "string") {
          error.message = `${explained} (${error.message})`;
        }
      }
      return send(message, options);
    };
  });
  return {
    refused: (id, message) => {
      // A call cancelled before its answer leaves its entry: the oldest go first, past MAX_PENDING.
      if (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value as string | number);
      pending.set(id, message);
    },
  };
}
