// Asking the user before a tool does something that cannot be undone, through MCP elicitation, the same way in both
// protocol eras: the handler's question becomes an `input_required` result (2026-07-28 multi round-trip; the SDK
// turns it into `elicitation/create` for a 2025-era client), and the handler runs again with the answer.
import { createHash } from "node:crypto";
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
import { type CliValues, type OptionSpec, UsageError } from "./cli-options.js";
import { type OptionRule, optionRule } from "./library-options.js";
import { refuse } from "./results.js";
import { optionNames, type SettingNames } from "./setting-names.js";

/**
 * The user's answer: go ahead, no, dismissed — or the 2025-era client cannot ask: it has no elicitation
 * (`unsupported`; a 2026-07-28 request is answered -32021 instead), or it is over stateless HTTP, which could be
 * asked only in a session (`sessionless`) — or what would be lost changed each time the user was asked, MAX_ASKS
 * times (`changing`) — or the client accepted with an answer not in the form's shape, neither yes nor no
 * (`unreadable`).
 */
export type Confirmation = "accept" | "decline" | "cancel" | "unsupported" | "sessionless" | "changing" | "unreadable";

/**
 * Thrown by `confirm` to hand the question to the client; the tool wrapper returns its result. `askable` false: a
 * 2026-07-28 request that does not declare elicitation, which the SDK answers with -32021 instead of asking.
 */
export class InputNeeded extends Error {
  constructor(
    readonly result: InputRequiredResult,
    readonly question = "",
    readonly askable = true,
  ) {
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

/**
 * A 2025-era request over stateless HTTP: no envelope, and no `initialize` on this server (one per request), so
 * nothing says what the client can do, and there is no stream to ask it on.
 */
function sessionless(server: McpServer, ctx: ServerContext): boolean {
  return ctx.mcpReq.envelope === undefined && server.server.getClientCapabilities() === undefined;
}

/**
 * Questions one call puts at most: each new one because what would be lost changed while the user decided (another
 * program writing the table). Past it the call stops, rather than ask until the client gives up.
 */
export const MAX_ASKS = 3;

/** What rides in `requestState` with a question: a digest of it, so the answer can be matched to it. */
function fingerprint(question: string): string {
  return createHash("sha256").update(question).digest("base64url");
}

/**
 * The `confirm` of one call. A yes counts only for the question it was given to: the handler runs again from the
 * start with the answer, and if what it would ask has changed meanwhile (a table gained rows while the user
 * decided), the user is asked the new question instead of the old yes being taken for it, up to MAX_ASKS questions.
 * A no to any question of the call is final, whatever changed since.
 */
export function confirmer(server: McpServer, ctx: ServerContext): (question: string) => Promise<Confirmation> {
  return async (question) => {
    const answer = inputResponse(ctx.mcpReq.inputResponses, KEY);
    // The state is the digest of the question answered and how many were put, "digest.n" (no "." in base64url).
    const [asked, count] = String(ctx.mcpReq.requestState() ?? "").split(".");
    const times = Number(count) || 1;
    if (answer.kind === "elicit" && asked) {
      if (answer.action !== "accept") return answer.action;
      // Accepted with the box unticked: a no. With an answer that is not the form's (`{confirm: "yes"}`, `{}`): not a
      // yes either, but not the user's no: the client's answer could not be read.
      const content = acceptedContent(ctx.mcpReq.inputResponses, KEY, ANSWER);
      if (content === undefined) return "unreadable";
      if (content.confirm !== true) return "decline";
      if (asked === fingerprint(question)) return "accept";
      if (times >= MAX_ASKS) return "changing";
    }
    const askable = canElicit(server, ctx);
    // A 2026-07-28 request says what its client can do in each request: one that cannot be asked is answered -32021
    // (MissingRequiredClientCapability, by the SDK), so the client learns what to declare. 2025 has no such error.
    if (!askable && ctx.mcpReq.envelope === undefined) return sessionless(server, ctx) ? "sessionless" : "unsupported";
    throw new InputNeeded(
      inputRequired({
        inputRequests: { [KEY]: inputRequired.elicit({ message: question, requestedSchema: ANSWER }) },
        requestState: `${fingerprint(question)}.${asked ? times + 1 : 1}`,
      }),
      question,
      askable,
    );
  };
}

/** Which calls ask the user first: none (the default), or those that destroy data. */
const CONFIRM_MODES = ["never", "destructive"] as const;
export type ConfirmMode = (typeof CONFIRM_MODES)[number];

/** The library option `confirm`, as the factories check it. */
export const CONFIRM_RULE: OptionRule = optionRule.oneOf(...CONFIRM_MODES);

/** The option every server with destructive tools takes. */
export const CONFIRM_OPTIONS = {
  confirm: {
    type: "string",
    env: "MCP_CONFIRM",
    default: "never",
    valueName: CONFIRM_MODES.join("|"),
    description:
      "destructive: ask the user (MCP elicitation) before a call that deletes or replaces a whole thing: a file, a table's rows or the table, a remote resource (README: what asks first). Edits within a file do not ask.",
  },
} as const satisfies Record<string, OptionSpec>;

/** The confirm mode from parsed options; throws UsageError for anything else. */
export function selectConfirm(values: CliValues<typeof CONFIRM_OPTIONS>): ConfirmMode {
  const mode = values.confirm.trim().toLowerCase() || "never";
  const known = CONFIRM_MODES.find((m) => m === mode);
  if (known === undefined) {
    throw new UsageError(`--confirm (MCP_CONFIRM) must be ${CONFIRM_MODES.join(" or ")}, got "${values.confirm}"`);
  }
  return known;
}

/**
 * The start-up warning for `confirm: destructive` on a read-only server, or undefined: `readOnly` says what made it
 * read-only (undefined: it is not), `why` why nothing it offers asks ("only delete_file asks the user first, and a
 * read-only server does not list it"). `names` as for `unconfirmed`.
 */
export function ignoredConfirmWarning(
  confirm: ConfirmMode | undefined,
  readOnly: string | undefined,
  why: string,
  names: SettingNames = optionNames,
): string | undefined {
  if (confirm !== "destructive" || readOnly === undefined) return undefined;
  return `${names("confirm", "destructive")} has no effect with ${readOnly}: ${why}, so it is ignored`;
}

/**
 * The result for a destructive call the user did not approve — `what` says what would have been lost — or
 * undefined when it was approved. `names` names the settings for whoever configured the server: a bin's flags, or a
 * library's options (the default).
 */
export function unconfirmed(answer: Confirmation, what: string, names: SettingNames = optionNames) {
  switch (answer) {
    case "accept":
      return undefined;
    case "decline":
      return refuse(
        `Not done: the user declined ${what}. Nothing was changed; do not retry unless they ask.`,
        "declined",
      );
    case "cancel":
      return refuse(`Not done: the user dismissed the question about ${what}. Nothing was changed.`, "declined");
    case "unreadable":
      return refuse(
        `Not done: the client accepted the question about ${what} with an answer that is not the form's (a yes/no in "confirm"), so it was not taken for a yes. Nothing was changed; ask the user whether to go ahead, or use a client that fills in elicitation forms as asked.`,
        "declined",
      );
    case "unsupported":
      return refuse(
        `Not done: ${what} needs the user's confirmation, as the server runs with ${names("confirm", "destructive")}, and this client cannot ask: it does not support elicitation (form mode). Nothing was changed.`,
        "unconfirmable",
      );
    case "changing":
      return refuse(
        `Not done: ${what} changed each of the ${MAX_ASKS} times the user was asked (something else is changing it meanwhile), so no yes was for what would be lost now. Nothing was changed; try again once it has stopped changing.`,
        "unconfirmable",
      );
    case "sessionless":
      return refuse(
        `Not done: ${what} needs the user's confirmation, as the server runs with ${names("confirm", "destructive")}, and a 2025-era client over stateless HTTP cannot be asked: the server needs sessions for that, ${names("stateful", "true")}. Nothing was changed.`,
        "unconfirmable",
      );
  }
}
