import { describe, expect, it } from "vitest";
import { imageProblem, imageType, imageVerdict } from "../src/image-bytes.js";
import { PNG } from "./png.js";

/** A 1×1 GIF. */
const GIF = Buffer.from(
  "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b",
  "hex",
);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xd9]);
const webp = (declared: number, length: number) => {
  const bytes = Buffer.alloc(length);
  bytes.write("RIFF", 0, "latin1");
  bytes.writeUInt32LE(declared - 8, 4);
  bytes.write("WEBPVP8 ", 8, "latin1");
  return bytes;
};

describe("imageType", () => {
  it.each([
    [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a], "image/png"],
    [[0xff, 0xd8, 0xff, 0xe0], "image/jpeg"],
    [[...Buffer.from("GIF89a")], "image/gif"],
    [[...Buffer.from("RIFF\0\0\0\0WEBP")], "image/webp"],
    [[...Buffer.from("RIFF\0\0\0\0WAVE")], undefined],
    [[...Buffer.from("plain text")], undefined],
  ])("%j is %s", (bytes, type) => {
    expect(imageType(Uint8Array.from(bytes))).toBe(type);
  });
});

describe("imageProblem", () => {
  it.each<[string, string, Buffer, RegExp | undefined]>([
    ["a whole PNG", "image/png", PNG, undefined],
    ["a PNG with bytes after its IEND", "image/png", Buffer.concat([PNG, Buffer.from("trailer")]), undefined],
    ["a PNG cut short", "image/png", PNG.subarray(0, 50), /cut short: it has no IEND chunk/],
    ["a PNG signature alone", "image/png", PNG.subarray(0, 8), /no IHDR chunk/],
    ["a whole GIF", "image/gif", GIF, undefined],
    ["a GIF padded with NULs", "image/gif", Buffer.concat([GIF, Buffer.alloc(4)]), undefined],
    ["a GIF89a stub", "image/gif", Buffer.from("GIF89a"), /too short for a GIF's header/],
    ["text that starts as a GIF", "image/gif", Buffer.from("GIF89a is a format from 1989\n"), /trailer byte \(3B\)/],
    ["a GIF cut short", "image/gif", GIF.subarray(0, GIF.length - 3), /cut short/],
    ["a whole JPEG", "image/jpeg", JPEG, undefined],
    ["a JPEG with a phone's trailer", "image/jpeg", Buffer.concat([JPEG, Buffer.from("SEFT trailer")]), undefined],
    ["a JPEG cut short", "image/jpeg", JPEG.subarray(0, 8), /no end-of-image marker \(FF D9\)/],
    ["a whole WebP", "image/webp", webp(40, 40), undefined],
    ["a WebP cut short", "image/webp", webp(4000, 40), /its RIFF header gives 4000 bytes, the file has 40/],
    ["a RIFF that is not a WebP image", "image/webp", Buffer.from("RIFF\0\0\0\0WEBPxxxx"), /no VP8 chunk/],
  ])("%s", (_, type, bytes, problem) => {
    const found = imageProblem(type, bytes);
    if (problem) expect(found).toMatch(problem);
    else expect(found).toBeUndefined();
  });
});

describe("imageVerdict", () => {
  it.each<[string, Buffer, number, ReturnType<typeof imageVerdict>]>([
    ["a whole PNG", PNG, 1000, { mimeType: "image/png" }],
    ["a whole GIF at the limit", GIF, GIF.length, { mimeType: "image/gif" }],
    ["a PNG over the limit", PNG, 10, { mimeType: "image/png", refused: "over the 10-byte image limit" }],
    [
      "a PNG cut short",
      PNG.subarray(0, 50),
      1000,
      { mimeType: "image/png", refused: "not a whole image (cut short: it has no IEND chunk, a PNG's end)" },
    ],
    ["text that starts as a GIF and ends with its trailer byte", Buffer.from("GIF89a is a format;"), 1000, undefined],
    ["no image format", Buffer.from([0, 1, 2, 3]), 1000, undefined],
    ["an SVG", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 1000, undefined],
  ])("%s", (_, bytes, max, verdict) => {
    expect(imageVerdict(bytes, max)).toEqual(verdict);
  });
});
