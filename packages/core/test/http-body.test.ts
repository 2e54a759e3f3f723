import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readJsonBody } from "../src/http-body.js";
import { MAX_HTTP_BODY_BYTES } from "../src/http-options.js";

/** A request body arriving in `chunks`, as node:http hands it over. */
const request = (...chunks: string[]) => Readable.from(chunks.map((chunk) => Buffer.from(chunk))) as IncomingMessage;

describe("readJsonBody", () => {
  it("parses a body however it is split, multi-byte characters included", async () => {
    const text = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: { word: "é😀" } });
    const bytes = Buffer.from(text);
    const cut = bytes.indexOf(Buffer.from("😀")) + 2;
    const body = Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]) as IncomingMessage;
    expect(await readJsonBody(body)).toEqual({ ok: true, value: JSON.parse(text) });
  });

  it.each([
    ["not JSON", request('{"jsonrpc": '), 400, "parse_error"],
    ["empty", request(), 400, "parse_error"],
    ["one byte over the limit", request("x".repeat(MAX_HTTP_BODY_BYTES), " "), 413, "body_too_large"],
  ])("refuses a body that is %s", async (_, body, status, cause) => {
    expect(await readJsonBody(body)).toMatchObject({ ok: false, refusal: { status, cause } });
  });

  it("takes a body of exactly the limit", async () => {
    const text = `"${"x".repeat(MAX_HTTP_BODY_BYTES - 2)}"`;
    expect(await readJsonBody(request(text))).toMatchObject({ ok: true });
  });
});
