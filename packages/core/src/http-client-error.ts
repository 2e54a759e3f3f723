// What a connection gets when Node's HTTP parser refuses its request before any handler sees it. Node answers headers
// over its limit with a bare 431 and logs nothing, so a client whose OAuth token is large (Keycloak or Entra tokens
// carrying many groups pass 16 KiB) could not tell why, nor could the operator. That one gets a JSON body saying
// what to do, and a warning; every other parse error gets Node's own answer.
import { maxHeaderSize, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "./logger.js";

/** The 431's message: the limit, and what to do. */
export function headersTooLargeReason(limitBytes: number): string {
  const kib = Math.floor(limitBytes / 1024);
  return `Request headers over ${kib} KiB, the most this server takes (Node's --max-http-header-size); a bearer token this large cannot be sent: ask the identity provider for a smaller one (fewer groups or claims in the access token), or raise the limit with NODE_OPTIONS=--max-http-header-size=<bytes> on the server and any proxy's header buffers (nginx: large_client_header_buffers)`;
}

/** Node's answers to the other errors it catches while parsing (lib/_http_server.js), unchanged. */
function nodeAnswer(code: string | undefined): string {
  if (code === "HPE_CHUNK_EXTENSIONS_OVERFLOW") return "HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\n\r\n";
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n";
  return "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n";
}

/**
 * Answer the requests a node:http server's parser refuses. The log line never holds the request: it may carry a token.
 * Listens for 'request' too, to know which responses are still being written on each connection.
 */
export function answerClientErrors(server: Server, logger: Logger, limitBytes: number = maxHeaderSize): void {
  // Unfinished responses per connection. A keep-alive connection has sent earlier responses (its bytesWritten is not
  // 0), yet an answer is safe on it unless a response has begun and not finished: Node's own handler asks the same.
  const unfinished = new WeakMap<Duplex, Set<ServerResponse>>();
  server.on("request", (req, res: ServerResponse) => {
    const socket = req.socket;
    const open = unfinished.get(socket) ?? new Set<ServerResponse>();
    unfinished.set(socket, open);
    open.add(res);
    const done = () => open.delete(res);
    res.once("finish", done);
    res.once("close", done);
  });
  server.on("clientError", (error: Error & { code?: string }, socket: Duplex) => {
    const begun = [...(unfinished.get(socket) ?? [])].some((res) => res.headersSent);
    // Nothing to answer: the client went away, or a response is under way and a 4xx would corrupt it.
    if (error.code === "ECONNRESET" || !socket.writable || begun) {
      socket.destroy();
      return;
    }
    if (error.code !== "HPE_HEADER_OVERFLOW") {
      answerAndClose(socket, nodeAnswer(error.code));
      return;
    }
    const reason = headersTooLargeReason(limitBytes);
    const remote = (socket as Duplex & { remoteAddress?: string }).remoteAddress ?? "a client";
    logger.warn(`refused a request from ${remote}: HTTP 431: ${reason.split(";")[0]}`);
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32000, message: `Request Header Fields Too Large: ${reason}` },
    });
    answerAndClose(
      socket,
      `HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

/**
 * Send the answer, then close the connection both ways, as Node's own handler does. end() alone closes only our side:
 * a client that keeps sending (a slow-headers attack answered 408) would hold the connection open forever.
 */
function answerAndClose(socket: Duplex, answer: string): void {
  socket.end(answer, () => socket.destroy());
}
