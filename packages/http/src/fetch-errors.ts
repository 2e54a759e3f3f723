import { isShuttingDown, type SettingNames } from "@mcp-toolkit/core";
import { AddressRefused } from "./connector.js";
import { brokenAdvice, stoppedAdvice, timeoutAdvice } from "./fetch-advice.js";
import type { FetchRequest } from "./fetch-request.js";
import { effectiveMethod, hasIdempotencyKey } from "./outgoing-request.js";

/** Why a fetch failed; the message says which request, what happened, and what to try. */
export type FetchErrorKind =
  | "refused"
  | "timeout"
  | "dns"
  | "tls"
  | "connection"
  | "redirect"
  | "protocol"
  | "aborted"
  | "rate-limited"
  | "invalid-request";

/** A failed fetch: `kind` for code, `message` for the model. */
export class FetchError extends Error {
  override name = "FetchError";
  constructor(
    readonly kind: FetchErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** Where a call is, for saying what a timeout interrupted. */
export interface Progress {
  phase: string;
  bytes: number;
}

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_OSSL)/;
/** The certificate was refused: the only TLS failures where the certificate is the thing to look at. */
const CERTIFICATE_CODES = /^(CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_TLS_CERT_)|CERTIFICATE/;
/** What came back was not TLS at all: OpenSSL read a plain-HTTP answer as a TLS record. */
const NOT_TLS_CODES = new Set([
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "ERR_SSL_PACKET_LENGTH_TOO_LONG",
  "ERR_SSL_UNKNOWN_PROTOCOL",
  "ERR_SSL_HTTP_REQUEST",
]);

/** Turn whatever undici, node or we threw into a FetchError naming the request, the cause and a next step. */
export function describeError(
  error: unknown,
  request: FetchRequest,
  ctx: {
    deadline: AbortSignal;
    signal: AbortSignal | undefined;
    timeoutMs: number;
    progress: Progress;
    settingNames: SettingNames;
  },
): FetchError {
  if (error instanceof FetchError) return error;
  const target = `${request.method} ${request.url.host}`;
  const chain = causes(error);
  const refused = chain.find((e) => e instanceof AddressRefused);
  if (refused) return new FetchError("refused", refused.message);
  const codes = chain.map((e) => (e as { code?: string }).code ?? "");
  const message = chain.map((e) => e.message).find((m) => m) ?? String(error);
  const read = ctx.progress.bytes;
  const progress = read ? ` after ${read} body bytes` : "";
  if (ctx.deadline.aborted || codes.some((c) => c.startsWith("UND_ERR_") && c.includes("TIMEOUT"))) {
    const phase = codes.includes("UND_ERR_CONNECT_TIMEOUT") ? "connecting" : ctx.progress.phase;
    return new FetchError(
      "timeout",
      `timeout: ${target} did not finish within ${ctx.timeoutMs} ms (${phase}${progress}); ${timeoutAdvice(phase, effectiveMethod(request), hasIdempotencyKey(request.headers))}, or the server's operator can raise ${ctx.settingNames("timeoutMs")}`,
    );
  }
  // Cut as the server stopped (its pool closed, or the call stopped): that is what happened, even if the client's
  // connection went too by now.
  if (codes.includes("MCP_POOL_CLOSED") || isShuttingDown(ctx.signal?.reason)) {
    return new FetchError(
      "connection",
      `${target} was stopped${progress}: the server is shutting down; ${stoppedAdvice(effectiveMethod(request), ctx.progress.phase, hasIdempotencyKey(request.headers))}`,
    );
  }
  if (ctx.signal?.aborted) return new FetchError("aborted", `${target} was cancelled by the client`);
  const code = codes.find((c) => c) ?? "";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NODATA" || code === "EAI_NONAME") {
    return new FetchError("dns", `DNS lookup failed for ${request.url.hostname} (${code}); check the host name`);
  }
  if (TLS_CODES.test(code)) return new FetchError("tls", tlsMessage(request.url, code, message));
  if (code === "ECONNREFUSED") {
    return new FetchError("connection", `connection refused by ${request.url.host}: nothing is listening there`);
  }
  // No descriptor for a socket: the request never left, and nothing about the host is wrong.
  if (code === "EMFILE" || code === "ENFILE") {
    const limit =
      code === "EMFILE"
        ? "this server has as many connections and files open as its limit allows (EMFILE, ulimit -n)"
        : "the system has as many files open as it allows (ENFILE)";
    return new FetchError(
      "connection",
      `could not connect to ${request.url.host}: ${limit}; nothing was sent — try again once fewer calls are running`,
    );
  }
  // undici's "bad upgrade": a 101 Switching Protocols to a request that asked for none. The URL speaks another
  // protocol, so the connection is not broken and the same call gets the same answer.
  if (code === "UND_ERR_SOCKET" && message === "bad upgrade") {
    return new FetchError(
      "protocol",
      `${request.url.host} answered 101 Switching Protocols, to a protocol this tool does not speak (a WebSocket endpoint?), though none was asked for; calling again will not help: call the URL of its HTTP API instead`,
    );
  }
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET" || code === "EPIPE" || code === "ETIMEDOUT") {
    return new FetchError(
      "connection",
      `connection to ${request.url.host} failed${progress}: ${message} (${code}); ${brokenAdvice(effectiveMethod(request), ctx.progress.phase, hasIdempotencyKey(request.headers))}`,
    );
  }
  // undici's HTTPParserError (an answer that is not HTTP/1.1 at all) has no `code`: it is known by its name.
  const unparsable = chain.some((e) => e.name === "HTTPParserError");
  if (
    unparsable ||
    code.startsWith("HPE_") ||
    code === "UND_ERR_RES_CONTENT_LENGTH_MISMATCH" ||
    code === "UND_ERR_INFO"
  ) {
    const port =
      unparsable && read === 0 && request.url.protocol === "http:"
        ? "; if that port serves https or another protocol, not plain HTTP, call it by its https:// URL or the right port"
        : "";
    return new FetchError(
      "protocol",
      `${request.url.host} sent an invalid HTTP response${progress}: ${message}${port}`,
    );
  }
  if (code === "UND_ERR_HEADERS_OVERFLOW") {
    return new FetchError(
      "protocol",
      `${request.url.host} sent response headers over Node's limit (16 KiB unless --max-http-header-size raises it); nothing was read, and sending the same request again will not help`,
    );
  }
  if (code === "UND_ERR_INVALID_ARG" || code === "UND_ERR_NOT_SUPPORTED") {
    return new FetchError("invalid-request", `invalid request to ${request.url.host}: ${message}`);
  }
  return new FetchError("connection", `${target} failed${progress}: ${oneLine(message)}${code ? ` (${code})` : ""}`);
}

/**
 * What a TLS failure means and what to try, by its code: certificate advice only for a certificate's failure. Never
 * OpenSSL's own text, which is several lines of library internals (`80EC…:error:0A00010B:SSL routines:…`).
 */
export function tlsMessage(url: URL, code: string, message: string): string {
  const host = url.host;
  if (NOT_TLS_CODES.has(code)) {
    const plain = new URL(url);
    plain.protocol = "http:";
    return `TLS error from ${host} (${code}): this port does not speak TLS (it answered in plain HTTP?); try ${plain.href}`;
  }
  const reason = oneLine(message);
  if (CERTIFICATE_CODES.test(code)) {
    return `TLS error from ${host}: ${reason} (${code}); the certificate is not trusted or does not match`;
  }
  return `TLS handshake with ${host} failed: ${reason} (${code}); the server and this client share no TLS version or cipher, or the server refused the connection`;
}

/** A message as one line: OpenSSL's `…:error:…:SSL routines:func:reason:file:line` shortened to its reason. */
function oneLine(message: string): string {
  const first = message.split(/\r?\n/).find((line) => line.trim() !== "") ?? message;
  const openssl = /^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+)/.exec(first.trim());
  return (openssl?.[1] ?? first).trim();
}

function causes(error: unknown): Error[] {
  const list: Error[] = [];
  let current: unknown = error;
  while (current instanceof Error && list.length < 5) {
    list.push(current);
    current = current.cause;
  }
  if (error instanceof AggregateError) list.push(...error.errors.filter((e): e is Error => e instanceof Error));
  return list;
}
