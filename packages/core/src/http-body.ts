import { isUtf8 } from "node:buffer";
import type { IncomingMessage } from "node:http";
import { expectsContinue } from "./http-continue.js";
import { MAX_HTTP_BODY_BYTES, MAX_JSON_DEPTH } from "./http-options.js";
import { type HttpRefusal, httpRefusals } from "./http-refusal.js";
import { jsonDepth } from "./json-depth.js";
import { lingeringClose } from "./lingering-close.js";

export type BodyRead = { ok: true; value: unknown } | { ok: false; refusal: HttpRefusal };

/**
 * How far past the limit a body is read (and dropped) before the 413, so the connection ends cleanly. Cut short, it
 * is reset, and a proxy that sent the whole body (nginx, whose client_max_body_size is a little above the limit)
 * counts the reset as the replica failing and stops sending it calls for a while.
 */
export const BODY_DRAIN_BYTES = MAX_HTTP_BODY_BYTES;

/** Whether a parsed JSON value nests arrays and objects more than `max` deep (a top-level object is 1). */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  return jsonDepth(value, max) > max;
}

/**
 * How much of a refused body is read after the answer, to be dropped, keeping the connection: a client still sending
 * its body when answered 413 would find the connection reset, and lose the answer, if the server closed it unread.
 * Past this (or for a body declared larger) the connection is closed, lingering (lingering-close.ts) so the client
 * still reads the answer.
 */
export const MAX_DROPPED_BODY_BYTES = 64 * 1024 * 1024;

const tooLargeUnread = (advice?: string): HttpRefusal => ({ ...httpRefusals.bodyTooLarge(advice), unread: true });

/**
 * The 413 for a body refused by its Content-Length before any of it is read: one that waits for a 100 Continue and
 * declares more than MAX_HTTP_BODY_BYTES (it never has to be sent), or any that declares more than would be drained.
 */
export function tooLargeUpfront(req: IncomingMessage, advice?: string): HttpRefusal | undefined {
  const declared = Number(req.headers?.["content-length"] ?? 0);
  const most = expectsContinue(req) ? MAX_HTTP_BODY_BYTES : MAX_HTTP_BODY_BYTES + BODY_DRAIN_BYTES;
  return declared > most ? tooLargeUnread(advice) : undefined;
}

/**
 * Read and drop what is left of a refused request's body, its answer written, so the client can read the answer and,
 * the body done, use the connection again; once the body passes MAX_DROPPED_BODY_BYTES (or declares more) the
 * connection is closed as lingeringClose does.
 */
export function dropUnreadBody(req: IncomingMessage): void {
  if (Number(req.headers["content-length"] ?? 0) > MAX_DROPPED_BODY_BYTES) {
    lingeringClose(req);
    return;
  }
  let seen = 0;
  const drop = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen <= MAX_DROPPED_BODY_BYTES) return;
    req.off("data", drop);
    lingeringClose(req);
  };
  req.on("data", drop);
  req.resume();
}

/**
 * A POST body as JSON, read up to MAX_HTTP_BODY_BYTES: refused with 413 past it (with the server's `advice` on sending
 * less), with 400 when it does not parse or nests deeper than MAX_JSON_DEPTH.
 */
export async function readJsonBody(req: IncomingMessage, advice?: string): Promise<BodyRead> {
  const read = await readBody(req);
  if (read === "over") return { ok: false, refusal: tooLargeUnread(advice) };
  const { chunks, size } = read;
  if (size > MAX_HTTP_BODY_BYTES) return { ok: false, refusal: httpRefusals.bodyTooLarge(advice) };
  const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  // Decoding would turn each bad byte into U+FFFD, and a tool would store or send text the caller never wrote.
  if (!isUtf8(body)) return { ok: false, refusal: httpRefusals.notUtf8() };
  // A byte order mark, which JSON senders must not add but some do (Windows PowerShell's UTF-8 files), is ignored
  // as RFC 8259 allows: it is no part of the message.
  const text = body.toString("utf8").replace(/^\uFEFF/, "");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, refusal: httpRefusals.parseError() };
  }
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) return { ok: false, refusal: httpRefusals.tooDeep() };
  return { ok: true, value };
}

/**
 * The body's chunks up to MAX_HTTP_BODY_BYTES and its whole size, or "over" once it passes what is drained before an
 * answer. Read with the stream's events, not its async iterator, which cost more than the rest of this on each request.
 * Stopping leaves the request open: destroyed, it dropped its socket, and the 413 could not be sent (the server read
 * the socket's address of null and answered 500); the rest is dropped after the answer. A request whose client went
 * away before its end rejects, as an error of the request. A paused request is resumed: reading it is what was asked.
 */
function readBody(req: IncomingMessage): Promise<{ chunks: Buffer[]; size: number } | "over"> {
  const chunks: Buffer[] = [];
  let size = 0;
  if (req.readableEnded) return Promise.resolve({ chunks, size });
  // Gone before its body was read (its client left while it was authenticated): no event will come to wait for.
  if (req.destroyed) return Promise.reject(closedEarly());
  return new Promise((resolve, reject) => {
    const stop = () => {
      req.off("data", data);
      req.off("end", end);
      req.off("error", failed);
      req.off("close", closed);
    };
    const data = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_HTTP_BODY_BYTES + BODY_DRAIN_BYTES) {
        stop();
        req.pause();
        resolve("over");
      } else if (size <= MAX_HTTP_BODY_BYTES) chunks.push(chunk);
    };
    const end = () => {
      stop();
      resolve({ chunks, size });
    };
    const failed = (error: Error) => {
      stop();
      reject(error);
    };
    // Closed before its end with no error said (a client gone mid-body).
    const closed = () => failed(closedEarly());
    req.on("data", data);
    req.once("end", end);
    req.once("error", failed);
    req.once("close", closed);
    // A listener starts the body flowing only if nobody paused it (req.pause()): one paused would never be read.
    if (req.isPaused()) req.resume();
  });
}

/** What a read of a request whose client went away before its body's end rejects with. */
const closedEarly = () => Object.assign(new Error("the request closed before its body ended"), { code: "ECONNRESET" });
