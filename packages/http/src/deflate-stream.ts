// "deflate" as browsers read it. RFC 9110 means zlib-wrapped data (RFC 1950), but some servers send the raw stream
// (RFC 1951), which browsers and fetch read too; zlib alone fails on it with "incorrect header check". The first
// byte tells them apart: a zlib header's low four bits name the deflate method, 8.
import { Duplex } from "node:stream";
import { createInflate, createInflateRaw, type ZlibOptions } from "node:zlib";

/** A decoder for a `deflate` body, zlib-wrapped or raw, chosen by its first byte; backpressure passes through. */
export function createDeflateDecoder(options: ZlibOptions): Duplex {
  let inner: ReturnType<typeof createInflate> | undefined;
  const outer: Duplex = new Duplex({
    write(chunk: Buffer, _encoding, callback) {
      if (chunk.length === 0) return callback();
      if (!inner) inner = start(((chunk[0] ?? 0) & 0x0f) === 8 ? createInflate(options) : createInflateRaw(options));
      inner.write(chunk, (error) => callback(error ?? null));
    },
    final(callback) {
      if (inner) inner.end();
      else outer.push(null);
      callback();
    },
    read() {
      inner?.resume();
    },
    destroy(error, callback) {
      inner?.destroy();
      callback(error);
    },
  });
  function start(decoder: ReturnType<typeof createInflate>) {
    decoder.on("data", (data: Buffer) => {
      if (!outer.push(data)) decoder.pause();
    });
    decoder.on("end", () => outer.push(null));
    decoder.on("error", (error) => outer.destroy(error));
    return decoder;
  }
  return outer;
}
