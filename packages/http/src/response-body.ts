// Reading an answer's body for the fetcher: decoded (gzip, deflate, br), bounded by the response cap (or by less, when
// the caller needs only the start), and kept as far as it was read when the time limit or a broken connection cuts it
// off.
import { pipeline, type Readable } from "node:stream";
import { constants, createBrotliDecompress, createGunzip } from "node:zlib";
import type { Dispatcher } from "undici";
import {
  endedEarlyMessage,
  tooManyCodingsMessage,
  undecodableMessage,
  unsupportedCodingMessage,
} from "./coding-errors.js";
import { type Coding, decodingOrder, MAX_CODINGS } from "./content-coding.js";
import { createDeflateDecoder } from "./deflate-stream.js";
import { FetchError, type Progress } from "./fetch-errors.js";
import type { FetchRequest, FetchResponse } from "./fetch-request.js";
import { bytesToHold } from "./memory-budget.js";

/** What a connection that broke (closed or reset by the other side) fails a body's read with. */
const BROKEN_CODES = new Set(["UND_ERR_SOCKET", "ECONNRESET", "EPIPE"]);

/**
 * The body of `response` to `request`, and its headers flattened; `deadline` is the call's time limit, `signal` that
 * or the caller giving up.
 */
export async function readResponseBody(
  request: FetchRequest,
  response: Dispatcher.ResponseData,
  progress: Progress,
  { deadline, signal }: { deadline: AbortSignal; signal: AbortSignal },
  maxResponseBytes: number,
): Promise<Omit<FetchResponse, "url" | "redirects" | "retries">> {
  const headers = flattenHeaders(response.headers);
  const base = { status: response.statusCode, statusText: response.statusText ?? "", headers };
  if (request.method === "HEAD" || response.statusCode === 204 || response.statusCode === 304) {
    await response.body.dump();
    return { ...base, body: Buffer.alloc(0), cut: false };
  }
  const encoding = (headers["content-encoding"] ?? "").trim().toLowerCase();
  const order = decodingOrder(encoding);
  // An empty body needs no decoding, whatever it is labelled (a 3xx or 201 through a proxy that labels everything).
  const empty = headers["content-length"]?.trim() === "0";
  if (!("codings" in order) && !empty) {
    // Not read at all: closing the connection beats draining a body nothing will show.
    response.body.on("error", () => {}).destroy();
    const message =
      "unsupported" in order
        ? unsupportedCodingMessage(request, order.unsupported)
        : tooManyCodingsMessage(request, order.tooMany, MAX_CODINGS);
    throw new FetchError("protocol", message);
  }
  const codings = "codings" in order ? order.codings : [];
  // Bytes that arrived before decoding: a coded stream that ends early fails to decode, but so does no body at all.
  let received = 0;
  if (codings.length > 0) response.body.on("data", (chunk: Buffer) => (received += chunk.length));
  const stream = codings.reduce<Readable>(
    (source, coding) => pipeline(source, decoderFor(coding), () => {}),
    response.body,
  );
  const enough = request.enoughBytes?.(headers);
  const limit = enough !== undefined && enough < maxResponseBytes ? enough : maxResponseBytes;
  let waited: { bodyWaitMs: number } | undefined;
  if (request.holdBody) {
    progress.phase = "waiting for room to read the body";
    const started = performance.now();
    try {
      await request.holdBody(bytesToHold(limit, headers["content-length"], codings.length > 0), signal);
    } catch (error) {
      response.body.on("error", () => {}).destroy();
      throw error;
    }
    const ms = Math.round(performance.now() - started);
    if (ms > 0) waited = { bodyWaitMs: ms };
    progress.phase = "reading the response body";
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let cut: FetchResponse["cut"] = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const room = limit - size;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        size += room;
        cut = limit < maxResponseBytes ? "enough" : "read-limit";
        break;
      }
      chunks.push(chunk);
      size += chunk.length;
      progress.bytes = size;
    }
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    // The time limit passed mid-body: what was read is the answer, marked as cut off, rather than lost in an error.
    if (deadline.aborted || code === "UND_ERR_BODY_TIMEOUT") {
      cut = "time-limit";
      return { ...base, body: Buffer.concat(chunks, size), cut, ...waited };
    }
    // The connection broke mid-body: what arrived is shown, marked incomplete, rather than lost in an error.
    if (size > 0 && BROKEN_CODES.has(code)) return { ...base, body: Buffer.concat(chunks, size), cut: "connection" };
    if (code === "Z_BUF_ERROR") {
      // No body at all, labelled coded (a 201 or 3xx through a compressing proxy), is simply empty.
      if (received === 0) return { ...base, body: Buffer.alloc(0), cut: false };
      throw new FetchError("protocol", endedEarlyMessage(request, encoding));
    }
    if (code.startsWith("Z_") || code.startsWith("ERR_ZLIB") || code.startsWith("ERR__ERROR_FORMAT")) {
      throw new FetchError("protocol", undecodableMessage(request, encoding, code));
    }
    throw error;
  } finally {
    // Stop reading: destroying the body closes the connection instead of draining an endless stream.
    if (cut) {
      stream.destroy();
      response.body.destroy();
    }
  }
  await request.holdBody?.(size, signal); // lowering it never waits
  // One turn of the event loop lets undici hand the socket back to the pool, so a back-to-back call reuses it.
  if (!cut) await new Promise((resolve) => setImmediate(resolve));
  return { ...base, body: Buffer.concat(chunks, size), cut };
}

// Each chunk is flushed out as it is decoded; the end is not (unlike fetch's decoders), so a coded stream that the
// upstream or the connection cut short fails as unfinished instead of passing, shorter, for the whole body.
const ZLIB_FLUSH = { flush: constants.Z_SYNC_FLUSH };
const BROTLI_FLUSH = { flush: constants.BROTLI_OPERATION_FLUSH };

function decoderFor(coding: Coding) {
  if (coding === "gzip") return createGunzip(ZLIB_FLUSH);
  if (coding === "deflate") return createDeflateDecoder(ZLIB_FLUSH);
  return createBrotliDecompress(BROTLI_FLUSH);
}

function flattenHeaders(headers: Dispatcher.ResponseData["headers"]): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}
