// Asking the user before a tool does something that cannot be undone, through MCP elicitation, the same way in both
// protocol eras: the handler's question becomes an `input_required` result (2026-07-28 multi round-trip; the SDK
// turns it into `elicitation/create` for a 2025-era client), and the handler runs again with the answer.
import {
  acceptedContent,
  CLIENT_CAPABILITIES_META_KEY,
  type ClientCapabilities,
  type InputRequiredResult,
  inputRequired,
  inputResponse,
  type McpServer,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { z } from "zod";

/** The user's answer: go ahead, no, dismissed — or the client cannot ask (no elicitation, or stateless 2025 HTTP). */
export type Confirmation = "accept" | "decline" | "cancel" | "unsupported";

/** Thrown by `confirm` to hand the question to the client; the tool wrapper returns its result. */
export class InputNeeded extends Error {
  constructor(readonly result: InputRequiredResult) {
    super("input required");
  }
}

const KEY = "confirm";
const ANSWER = z.object({ confirm: z.boolean().meta({ title: "Go ahead?" }) });

/**
 * Can this client be asked? A 2026-07-28 request says so in its envelope; a 2025-era connection said so when it
 * initialized (a stateless 2025 HTTP request carries neither, and cannot be asked).
 */
export function canElicit(server: McpServer, ctx: ServerContext): boolean {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const capabilities =
    (envelope?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined) ??
    server.server.getClientCapabilities();
  const elicitation = capabilities?.elicitation as { form?: unknown; url?: unknown } | undefined;
  // `elicitation: {}` (the 2025-06-18 form) means form mode.
  return elicitation !== undefined && (elicitation.form !== undefined || elicitation.url === undefined);
}

/** The `confirm` of one call. */
export function confirmer(server: McpServer, ctx: ServerContext): (question: string) => Promise<Confirmation> {
  return async (question) => {
    const answer = inputResponse(ctx.mcpReq.inputResponses, KEY);
    if (answer.kind === "elicit") {
      if (answer.action !== "accept") return answer.action;
      // Accepted with the box unticked, or with an answer that is not ours: not a yes.
      return acceptedContent(ctx.mcpReq.inputResponses, KEY, ANSWER)?.confirm === true ? "accept" : "decline";
    }
    if (!canElicit(server, ctx)) return "unsupported";
    throw new InputNeeded(
      inputRequired({ inputRequests: { [KEY]: inputRequired.elicit({ message: question, requestedSchema: ANSWER }) } }),
    );
  };
}
