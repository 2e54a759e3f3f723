// A connection the server closes while its client may still be sending (a body refused 413 that is too large to read to
// its end and keep the connection) is closed as nginx's lingering close does it: the answer goes out, the server's side
// is shut (FIN), and what the client still sends is read and dropped until it closes its side, stops sending, or a
// bound is reached. Closed at once, the client's next bytes met a reset, and a client still writing its body lost the
// answer with it (its TCP stack drops what it received unread): it saw EPIPE or ECONNRESET where the 413 says what to do.
import type { IncomingMessage } from "node:http";

/** Longest a closing connection is read from, from the answer on (nginx's lingering_time). */
export const LINGER_MS = 30_000;

/** Longest it waits for the client's next bytes (nginx's lingering_timeout): a client that stopped sending has read. */
export const LINGER_IDLE_MS = 5_000;

/** Most bytes read and dropped while closing: past it the connection is cut, whatever the client is still sending. */
export const LINGER_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Close `req`'s connection once its answer, written already, has gone out, reading and dropping what the client still
 * sends of its body for up to LINGER_MS (LINGER_IDLE_MS without a byte) and LINGER_MAX_BYTES, so it can read the answer.
 */
export function lingeringClose(req: IncomingMessage): void {
  const socket = req.socket;
  if (!socket || socket.destroyed) return;
  const from = socket.bytesRead;
  const cut = () => socket.destroy();
  const whole = setTimeout(cut, LINGER_MS).unref();
  const idle = setTimeout(cut, LINGER_IDLE_MS).unref();
  const heard = () => {
    if (socket.bytesRead - from > LINGER_MAX_BYTES) cut();
    else idle.refresh();
  };
  req.on("data", heard);
  socket.once("close", () => {
    clearTimeout(whole);
    clearTimeout(idle);
    req.off("data", heard);
  });
  req.resume();
  // After the answer, already written: the client reads it, then the end of the connection.
  socket.end();
}
