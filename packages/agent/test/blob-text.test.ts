import { describe, expect, it } from "vitest";
import { blobText } from "../src/blob-text.js";

const b64 = (text: string, encoding: BufferEncoding = "utf8") => Buffer.from(text, encoding).toString("base64");

describe("blobText", () => {
  it.each<[string, string, string | undefined, string | undefined]>([
    ["text/plain", b64("Resource 1: plain"), "text/plain", "Resource 1: plain"],
    ["UTF-8 text", b64("naïve ✓"), "text/markdown", "naïve ✓"],
    ["JSON", b64('{"a":1}'), "application/json", '{"a":1}'],
    ["a +json type", b64("{}"), "application/vnd.api+json", "{}"],
    ["a charset it names", b64("café", "latin1"), "text/plain; charset=ISO-8859-1", "café"],
    ["a quoted charset", b64("ok"), 'text/csv; charset="utf-8"', "ok"],
    ["an empty file", "", "text/plain", ""],
    ["bytes that are not UTF-8", Buffer.from([0xff, 0xfe, 0x00, 0x41]).toString("base64"), "text/plain", undefined],
    ["a charset that does not exist", b64("x"), "text/plain; charset=klingon", undefined],
    ["a binary type", b64("PK\u0003\u0004"), "application/zip", undefined],
    ["an image", b64("GIF89a"), "image/gif", undefined],
    ["no type", b64("hello"), undefined, undefined],
    ["a type that only starts like text", b64("x"), "application/jsonx", undefined],
  ])("%s", (_, blob, mimeType, expected) => {
    expect(blobText(blob, mimeType)).toBe(expected);
  });
});
