import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { constants, deflateRawSync, deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createDeflateDecoder } from "../src/deflate-stream.js";

const FLUSH = { flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH };

/** Feed `chunks` through a decoder and collect what comes out. */
async function decode(chunks: Buffer[]): Promise<string> {
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), createDeflateDecoder(FLUSH), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) out.push(chunk);
  });
  return Buffer.concat(out).toString();
}

describe("createDeflateDecoder", () => {
  const text = "deflated text, ".repeat(50);
  it.each([
    ["zlib-wrapped, as the RFC says", deflateSync(text)],
    ["raw, as some servers send it", deflateRawSync(text)],
  ])("reads %s", async (_kind, coded) => {
    expect(await decode([coded])).toBe(text);
    // Split anywhere, the first byte still decides.
    expect(await decode([coded.subarray(0, 1), coded.subarray(1, 7), coded.subarray(7)])).toBe(text);
  });

  it("reads an empty body as empty", async () => {
    expect(await decode([])).toBe("");
  });

  it("fails on data that is neither, with zlib's code", async () => {
    await expect(decode([Buffer.from("plainly not deflate data")])).rejects.toMatchObject({ code: "Z_DATA_ERROR" });
  });

  it("is destroyed when its reader stops early, as the body reader does at the cap", async () => {
    const decoder = createDeflateDecoder(FLUSH);
    const bomb = deflateRawSync(Buffer.alloc(64 * 1024 * 1024));
    Readable.from([bomb]).pipe(decoder);
    let read = 0;
    for await (const chunk of decoder as AsyncIterable<Buffer>) {
      read += chunk.length;
      if (read >= 1024 * 1024) break;
    }
    expect(read).toBeLessThan(2 * 1024 * 1024);
    expect(decoder.destroyed).toBe(true);
  });
});
