import { describe, expect, it } from "vitest";
import { imageSideProblem, imageSize, MAX_IMAGE_SIDE } from "../src/image-size.js";
import { PNG, pngOf } from "./png.js";

const gifOf = (width: number, height: number) => {
  const bytes = Buffer.from("GIF89a\0\0\0\0\x80\0\0", "latin1");
  bytes.writeUInt16LE(width, 6);
  bytes.writeUInt16LE(height, 8);
  return bytes;
};
/** A JPEG with an APP0 segment, fill bytes and then a baseline (C0) or progressive (C2) frame header. */
const jpegOf = (width: number, height: number, sof = 0xc0) => {
  const frame = Buffer.from([0xff, sof, 0, 11, 8, 0, 0, 0, 0, 1, 1, 0x11, 0]);
  frame.writeUInt16BE(height, 5);
  frame.writeUInt16BE(width, 7);
  const app0 = Buffer.from("ffe000104a46494600010100000100010000", "hex");
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, Buffer.from([0xff]), frame, Buffer.from([0xff, 0xd9])]);
};
const riff = (chunk: string, body: Buffer) => {
  const head = Buffer.from(`RIFF\0\0\0\0WEBP${chunk}\0\0\0\0`, "latin1");
  head.writeUInt32LE(body.length + 12, 4);
  head.writeUInt32LE(body.length, 16);
  return Buffer.concat([head, body]);
};
const webpExtended = (width: number, height: number) => {
  const body = Buffer.alloc(10);
  body.writeUIntLE(width - 1, 4, 3);
  body.writeUIntLE(height - 1, 7, 3);
  return riff("VP8X", body);
};
const webpLossy = (width: number, height: number) => {
  const body = Buffer.from([0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0, 0, 0, 0]);
  body.writeUInt16LE(width, 6);
  body.writeUInt16LE(height, 8);
  return riff("VP8 ", body);
};
/** A 1×1 lossless WebP (Modernizr's detection image). */
const WEBP_LOSSLESS = Buffer.from("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==", "base64");

describe("imageSize", () => {
  it.each<[string, string, Buffer, ReturnType<typeof imageSize>]>([
    ["a 1×1 PNG", "image/png", PNG, { width: 1, height: 1 }],
    ["a PNG declaring 9000×20", "image/png", pngOf(9000, 20), { width: 9000, height: 20 }],
    ["a GIF declaring 640×8001", "image/gif", gifOf(640, 8001), { width: 640, height: 8001 }],
    ["a baseline JPEG of 9000×100", "image/jpeg", jpegOf(9000, 100), { width: 9000, height: 100 }],
    ["a progressive JPEG of 300×65535", "image/jpeg", jpegOf(300, 65535, 0xc2), { width: 300, height: 65535 }],
    ["a lossless WebP of 1×1", "image/webp", WEBP_LOSSLESS, { width: 1, height: 1 }],
    ["an extended WebP of 16000×2", "image/webp", webpExtended(16000, 2), { width: 16000, height: 2 }],
    ["a lossy WebP of 8001×8001", "image/webp", webpLossy(8001, 8001), { width: 8001, height: 8001 }],
    ["a PNG cut before its size", "image/png", PNG.subarray(0, 20), undefined],
    ["a JPEG with no frame header", "image/jpeg", Buffer.from([0xff, 0xd8, 0xff, 0xd9]), undefined],
    ["a JPEG whose segments lead nowhere", "image/jpeg", Buffer.from([0xff, 0xd8, 0x00, 0x01, 0x02, 0x03]), undefined],
    ["a type it does not read", "image/tiff", PNG, undefined],
  ])("%s", (_, type, bytes, size) => {
    expect(imageSize(type, bytes)).toEqual(size);
  });
});

describe("imageSideProblem", () => {
  it.each<[string, Buffer, number, string | undefined]>([
    ["a PNG of exactly the limit", pngOf(8000, 8000), MAX_IMAGE_SIDE, undefined],
    [
      "a PNG one pixel too wide",
      pngOf(8001, 20),
      MAX_IMAGE_SIDE,
      "8001×20 px, over the 8000-px limit on its longer side",
    ],
    [
      "a PNG too tall for a lower limit",
      pngOf(30, 2001),
      2000,
      "30×2001 px, over the 2000-px limit on its longer side",
    ],
    ["a PNG whose size cannot be read", PNG.subarray(0, 20), 1, undefined],
  ])("%s", (_, bytes, maxSide, problem) => {
    expect(imageSideProblem("image/png", bytes, maxSide)).toBe(problem);
  });
});
