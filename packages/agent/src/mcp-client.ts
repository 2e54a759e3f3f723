import { MODERN_PROTOCOL_VERSION, packageVersion } from "@mcp-toolkit/core";
import {
  Client,
  type ClientCapabilities,
  type CreateMessageRequestParams,
  type CreateMessageResult,
  type ElicitRequestFormParams,
  type ElicitResult,
  type LoggingLevel,
  ProtocolError,
  ProtocolErrorCode,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
} from "@modelcontextprotocol/client";
import { type ChangedList, type ChangeStreamHooks, keepOpen } from "./change-stream.js";
import { causes, isSchemaReport } from "./describe-failure.js";

/** Which protocol era a connection spoke, for --verbose: "modern" (2026-07-28) or "legacy" (2025 initialize). */
export type Era = "modern" | "legacy";

/**
 * How a client connects: our own servers are known to speak 2026-07-28 (`pinned`); anything else is negotiated
 * (`auto`), and a server the probe made exit is started again and greeted the 2025 way (`legacy`).
 */
export type Negotiation = "pinned" | "auto" | "legacy";

/** The most pages of one list the agent walks (a server whose cursor never converges is cut off there). */
export const MAX_PAGES = 100;

/**
 * Every item of a paged list, asking `page` for each next cursor, up to MAX_PAGES pages (`cut` when the list still
 * went on): what a listing the SDK refused as endless is walked again with.
 */
export async function walkPages<T>(
  page: (cursor: string | undefined) => Promise<{ items: readonly T[]; nextCursor?: string | undefined }>,
): Promise<{ items: T[]; cut: boolean }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    const listed = await page(cursor);
    items.push(...listed.items);
    cursor = listed.nextCursor;
    if (!cursor) return { items, cut: false };
  }
  return { items, cut: true };
}

/** What the agent does for a server beyond calling its tools: one set per server, bound to its name. */
export interface ClientHooks {
  /** Ask the user (form mode); the answer's action is accept, decline or cancel. Undefined: elicitation not offered. */
  elicit?: ((params: ElicitRequestFormParams) => Promise<ElicitResult>) | undefined;
  /** Run a sampling request through the Messages API; undefined means sampling is not offered. */
  sample?: ((params: CreateMessageRequestParams) => Promise<CreateMessageResult>) | undefined;
  /** The roots the server may work in (file:// URIs): the workspace. */
  roots: { uri: string; name: string }[];
  /** A log message the server sent. */
  onLog(level: LoggingLevel, data: unknown, logger: string | undefined): void;
  /** The server said its tool or resource list changed. */
  onListChanged(list: "tools" | "resources"): void;
}

/** Why the agent does not answer a server's request of this method. */
function notOffered(method: string): string {
  if (method === "sampling/createMessage") {
    return "sampling is off in this agent run (the user can allow it with mcp-agent --allow-sampling)";
  }
  if (method === "elicitation/create") {
    return "the agent asks the user nothing in this run (it asks only on a terminal, without --json or CI), so it did not offer elicitation";
  }
  return `the agent does not handle ${method}`;
}

/**
 * Why the agent did not declare the client capabilities a 2026-07-28 server's -32021 answer requires of a call
 * (`data.requiredCapabilities`), one reason for each.
 */
export function notDeclared(required: Record<string, unknown>): string {
  const reasons = Object.entries(required).map(([name, wanted]) => {
    const modes = typeof wanted === "object" && wanted !== null ? Object.keys(wanted) : [];
    if (name === "elicitation" && modes.length > 0 && !modes.includes("form")) {
      return `the agent asks the user in form mode only, and the server wants elicitation in ${modes.join(", ")} mode`;
    }
    const method = { elicitation: "elicitation/create", sampling: "sampling/createMessage" }[name];
    return method ? notOffered(method) : `the agent does not offer ${name}`;
  });
  return reasons.join("; ");
}

/**
 * The official SDK v2 client, configured as the agent uses it. `pinned` connects in the modern era with no probe
 * (so no round trip and no extra spawn); `auto` probes with server/discover and falls back to the 2025 handshake.
 * The same handlers answer a 2025-era server's requests and a 2026-07-28 `input_required` result.
 */
export function createClient(negotiation: Negotiation, hooks?: ClientHooks): Client {
  const capabilities: ClientCapabilities = hooks
    ? {
        ...(hooks.elicit ? { elicitation: { form: {} } } : {}),
        roots: { listChanged: false },
        ...(hooks.sample ? { sampling: {} } : {}),
      }
    : {};
  const client = new Client(
    { name: "mcp-agent", version: packageVersion(import.meta.url) },
    {
      capabilities,
      versionNegotiation:
        negotiation === "pinned"
          ? { mode: { pin: MODERN_PROTOCOL_VERSION } }
          : negotiation === "auto"
            ? { mode: "auto" }
            : { mode: "legacy" },
      listMaxPages: MAX_PAGES,
    },
  );
  if (!hooks) return client;
  const elicit = hooks.elicit;
  if (elicit)
    client.setRequestHandler("elicitation/create", async (request) => {
      const params = request.params;
      // URL mode would send the user to a web page; the agent offers form mode only.
      if ("mode" in params && params.mode === "url") return { action: "decline" };
      return elicit(params as ElicitRequestFormParams);
    });
  client.setRequestHandler("roots/list", async () => ({ roots: hooks.roots }));
  const sample = hooks.sample;
  if (sample) client.setRequestHandler("sampling/createMessage", async (request) => sample(request.params));
  // Servers ask without checking what was offered: say why not, and how the user can allow it.
  client.fallbackRequestHandler = async (request) => {
    throw new ProtocolError(ProtocolErrorCode.MethodNotFound, notOffered(request.method));
  };
  client.setNotificationHandler("notifications/message", (n) =>
    hooks.onLog(n.params.level, n.params.data, n.params.logger),
  );
  client.setNotificationHandler("notifications/tools/list_changed", () => hooks.onListChanged("tools"));
  client.setNotificationHandler("notifications/resources/list_changed", () => hooks.onListChanged("resources"));
  return client;
}

/**
 * In the 2026-07-28 era, change signals come on a subscriptions/listen stream the client opens, for the lists the
 * server says can change; resolved once the server acknowledged it (or refused: a stream is a nicety). With `hooks`,
 * a stream that is cut later is opened again (change-stream.ts). In the 2025 era servers send them unasked.
 */
export async function listenForChanges(client: Client, hooks?: ChangeStreamHooks): Promise<void> {
  if (eraOf(client) !== "modern") return;
  const caps = client.getServerCapabilities();
  const lists: ChangedList[] = [
    ...(caps?.tools?.listChanged ? (["tools"] as const) : []),
    ...(caps?.resources?.listChanged ? (["resources"] as const) : []),
  ];
  if (lists.length === 0) return;
  const filter = {
    ...(lists.includes("tools") ? { toolsListChanged: true } : {}),
    ...(lists.includes("resources") ? { resourcesListChanged: true } : {}),
  };
  const open = () => client.listen(filter, { timeout: LISTEN_ACK_TIMEOUT_MS });
  const stream = await open().catch((error: unknown) => ({ failed: error }));
  // A server that answers with an error offers no streams: it is not asked again.
  const refused = "failed" in stream && stream.failed instanceof ProtocolError;
  if (hooks && !refused) keepOpen(client, stream, open, lists, hooks);
}

/** How long a server has to acknowledge a change stream. */
const LISTEN_ACK_TIMEOUT_MS = 5000;

/** The connection's era, once connected. */
export function eraOf(client: Client): Era {
  return client.getProtocolEra() === "modern" ? "modern" : "legacy";
}

/** Did a request fail because the connection went away (not a server's answer)? */
export function isConnectionLost(error: unknown): boolean {
  return (
    error instanceof SdkError &&
    (error.code === SdkErrorCode.ConnectionClosed ||
      error.code === SdkErrorCode.NotConnected ||
      error.code === SdkErrorCode.SendFailed)
  );
}

/**
 * Did a stateful Streamable HTTP server answer 404 for our session? It restarted, or ended the session (idle, or
 * evicted): the request was not run, and the spec's answer is a new session.
 */
export function isSessionGone(error: unknown, transport: unknown): boolean {
  const session = (transport as { sessionId?: unknown } | undefined)?.sessionId;
  return error instanceof SdkHttpError && error.status === 404 && typeof session === "string";
}

/**
 * Was a request answered with something that is not MCP: JSON that is not JSON-RPC, text that is not JSON, or a
 * content type neither JSON nor an event stream (a proxy's or single sign-on's login page)?
 */
export function isUnreadableAnswer(error: unknown): boolean {
  return [...causes(error)].some(
    (current) =>
      isSchemaReport(current) ||
      current instanceof SyntaxError ||
      (current instanceof SdkError && current.code === SdkErrorCode.ClientHttpUnexpectedContent),
  );
}

/** Did a request time out? */
export function isTimeout(error: unknown): boolean {
  return error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout;
}
