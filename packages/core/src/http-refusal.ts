// Requests refused at the HTTP layer, before the gate (http-access.ts) judges what they ask: a Host or Origin not
// allowed (403), a method the endpoint does not serve (405), an unsupported MCP-Protocol-Version (400), a body that
// is not JSON by its Content-Type (415), too large (413), not parsable or nested too deep (400), a batch too long or
// under 2026-07-28 (400). Each is answered with a JSON-RPC error, and traced as a failed span like the gate's
// refusals (refusal-span.ts): a trace shows every request refused, wherever it stopped.
import type { IncomingMessage, ServerResponse } from "node:http";
import { rpcError, sendCountedJson } from "./http-json.js";
import { batchLimitReason, MAX_HTTP_BODY_BYTES, MAX_JSON_DEPTH, sendLess } from "./http-options.js";
import { MODERN_PROTOCOL_VERSION, SERVED_PROTOCOL_VERSIONS, UNSUPPORTED_PROTOCOL_VERSION } from "./protocol.js";
import { traceRefusedHttp } from "./refusal-span.js";
import { MAX_STDIO_MESSAGE_BYTES } from "./stdio-transport.js";

/** One refusal: its HTTP status, its cause (the span's `error.type`), and the JSON-RPC error that answers it. */
export interface HttpRefusal {
  status: number;
  cause: string;
  code: number;
  /** Why, in words the client can act on: the span's status message, and the answer's after `phrase`. */
  reason: string;
  /** The answer's lead (`Bad Request`), when it has one. */
  phrase?: string;
  /** Headers the answer must carry (a 405's Allow). */
  headers?: Record<string, string>;
  /** The request's body was not read to its end: the rest is read and dropped after the answer (dropUnreadBody). */
  unread?: boolean;
  /** The error's `data`, where its code defines one (UnsupportedProtocolVersion's supported and requested). */
  data?: unknown;
  /** The id of the request refused, when its body was read and names one; else the answer's id is null. */
  id?: string | number;
}

const mib = (bytes: number) => `${bytes / (1024 * 1024)} MiB`;

/**
 * The 413's message: the limit, and what to do instead; `advice` says how to send less in the server's own terms
 * (its factory's largeRequestAdvice: the filesystem server's is writing a large file in parts).
 */
export function bodyTooLarge(advice?: string): string {
  return `Request body over ${mib(MAX_HTTP_BODY_BYTES)}, the most this server takes over HTTP; ${sendLess(advice)}, or run the server over stdio, which takes messages of up to ${mib(MAX_STDIO_MESSAGE_BYTES)}`;
}

/** The refusals the HTTP layer makes, by what was wrong. */
export const httpRefusals = {
  /** The Host or Origin header is not allowed (http-guard.ts): the reason names the setting that would allow it. */
  guard: (cause: string, reason: string): HttpRefusal => ({
    status: 403,
    cause,
    code: -32000,
    phrase: "Forbidden",
    reason,
  }),
  /**
   * 2026-07-28's UnsupportedProtocolVersionError (-32022, with the versions served and the one asked for): a client
   * that speaks both eras reads it as a modern server's answer and retries with a version from the list, where any
   * other error would send it back to a 2025 `initialize`. `id` is the request's, once its body was read.
   */
  protocolVersion: (version: string, id?: string | number): HttpRefusal => {
    // Up to 16 KiB of header, quoted back to the client and into a span: the start of it says enough.
    const shown = version.length > 40 ? `${version.slice(0, 40)}…` : version;
    return {
      status: 400,
      cause: "unsupported_protocol_version",
      code: UNSUPPORTED_PROTOCOL_VERSION,
      phrase: "Bad Request",
      reason: `unsupported MCP-Protocol-Version ${JSON.stringify(shown)}; this server speaks ${SERVED_PROTOCOL_VERSIONS.join(", ")}`,
      data: { supported: [...SERVED_PROTOCOL_VERSIONS], requested: shown },
      ...(id === undefined ? {} : { id }),
    };
  },
  /** More than one Host header (http-guard.ts namedHost): malformed, whatever the hosts allowed. */
  hostHeaders: (reason: string): HttpRefusal => ({
    status: 400,
    cause: "bad_host",
    code: -32000,
    phrase: "Bad Request",
    reason,
  }),
  mediaType: (): HttpRefusal => ({
    status: 415,
    cause: "unsupported_media_type",
    code: -32000,
    phrase: "Unsupported Media Type",
    reason: "Content-Type must be application/json",
  }),
  contentEncoding: (encoding: string): HttpRefusal => ({
    status: 415,
    cause: "unsupported_media_type",
    code: -32000,
    phrase: "Unsupported Media Type",
    reason: `Content-Encoding ${JSON.stringify(encoding.slice(0, 40))} is not taken; send the body uncompressed`,
  }),
  bodyTooLarge: (advice?: string): HttpRefusal => ({
    status: 413,
    cause: "body_too_large",
    code: -32000,
    reason: bodyTooLarge(advice),
  }),
  parseError: (): HttpRefusal => ({
    status: 400,
    cause: "parse_error",
    code: -32700,
    phrase: "Parse error",
    reason: "body is not valid JSON",
  }),
  notUtf8: (): HttpRefusal => ({
    status: 400,
    cause: "parse_error",
    code: -32700,
    phrase: "Parse error",
    reason: "body is not valid UTF-8, as JSON must be; send the text UTF-8 encoded (no Latin-1, no cut characters)",
  }),
  tooDeep: (): HttpRefusal => ({
    status: 400,
    cause: "too_deep",
    code: -32600,
    phrase: "Invalid Request",
    reason: `the body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep; no MCP message needs that many`,
  }),
  modernBatch: (): HttpRefusal => ({
    status: 400,
    cause: "batch_not_supported",
    code: -32600,
    phrase: "Invalid Request",
    reason: `${MODERN_PROTOCOL_VERSION} has no JSON-RPC batches; send each message in a request of its own`,
  }),
  /**
   * A batch holding `initialize`, which the 2025-03-26 lifecycle forbids (nothing else may run before it is done): the
   * SDK would say "Only one initialization request is allowed", untrue of a batch with one.
   */
  initializeInBatch: (stateful: boolean): HttpRefusal => ({
    status: 400,
    cause: "invalid_request",
    code: -32600,
    phrase: "Invalid Request",
    reason: `initialize may not be sent in a JSON-RPC batch; POST it alone, then send the other messages ${stateful ? "with the Mcp-Session-Id it gives" : "once it is answered"}`,
  }),
  modernAnswer: (): HttpRefusal => ({
    status: 400,
    cause: "invalid_request",
    code: -32600,
    phrase: "Invalid Request",
    reason: `the body is a JSON-RPC response, and a ${MODERN_PROTOCOL_VERSION} server sends its clients no requests to answer: an answer to its question (input_required) goes in the call sent again, as params.inputResponses`,
  }),
  /** `id`: the request's, when it has one that can be answered (its params are what is wrong). */
  notJsonRpc: (reason: string, id?: string | number): HttpRefusal => ({
    status: 400,
    cause: "invalid_request",
    code: -32600,
    phrase: "Invalid Request",
    reason,
    ...(id === undefined ? {} : { id }),
  }),
  /**
   * A method the endpoint does not serve: only POST without sessions (`statefulSetting` names the setting that serves a
   * 2025-era client's GET stream and DELETE), and GET, POST and DELETE with them.
   */
  methodNotAllowed: (method: string, statefulSetting?: string): HttpRefusal => ({
    status: 405,
    cause: "method_not_allowed",
    code: -32000,
    phrase: "Method Not Allowed",
    headers: { allow: statefulSetting ? "POST" : "GET, POST, DELETE" },
    reason: statefulSetting
      ? `${method.slice(0, 20)} is not served: this endpoint is stateless and takes each JSON-RPC message in a POST; a GET stream and DELETE belong to 2025-era sessions, which the server keeps with ${statefulSetting}`
      : `${method.slice(0, 20)} is not served: send JSON-RPC messages in a POST, open a session's stream with GET and end it with DELETE`,
  }),
  /**
   * A GET or DELETE of a 2026-07-28 client on a server with sessions: that revision has none (its transport answers a
   * GET or DELETE with 405), and this server's are for 2025-era clients, which open one with an initialize POST.
   */
  modernSession: (method: string): HttpRefusal => ({
    status: 405,
    cause: "method_not_allowed",
    code: -32000,
    phrase: "Method Not Allowed",
    headers: { allow: "POST" },
    reason: `${method.slice(0, 20)} is not part of MCP ${MODERN_PROTOCOL_VERSION}, which has no sessions: its client POSTs each message with no Mcp-Session-Id, and listens for changes with a subscriptions/listen POST. This server's sessions, with their GET stream and DELETE, are for 2025-era clients, which open one with an initialize POST`,
  }),
  batchTooLarge: (count: number): HttpRefusal => ({
    status: 400,
    cause: "batch_too_large",
    code: -32600,
    phrase: "Invalid Request",
    reason: `${batchLimitReason(count)}; send them in several requests`,
  }),
};

/**
 * Answer a refused request, and trace it (when tracing is on) as one failed span for the HTTP request, begun at
 * `startTime` (performance.now()): its body is not taken, so its span is named by the MCP-Method header or the path.
 * Returns the bytes of the answer sent (none to a HEAD), for the audit trail.
 */
export function refuseHttp(
  req: IncomingMessage,
  res: ServerResponse,
  startTime: number,
  refusal: HttpRefusal,
  clientAddress: string | undefined,
): number {
  const { cause, reason, status } = refusal;
  traceRefusedHttp(req, startTime, [], { cause, reason, status }, clientAddress);
  const message = refusal.phrase ? `${refusal.phrase}: ${refusal.reason}` : refusal.reason;
  const answer = rpcError(refusal.code, message, refusal.data, refusal.id);
  return sendCountedJson(res, refusal.status, answer, refusal.headers);
}
