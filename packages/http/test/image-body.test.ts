import { optionNames } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import { imageLimitWarning, judgeImageBody } from "../src/image-body.js";
import { GIF, jpeg, png, WEBP } from "./images.js";

const LIMIT = { maxBytes: 1000, setting: "--max-image-bytes", maxSide: 32, sideSetting: "--max-image-side" };
const PNG = png();

describe("judgeImageBody", () => {
  it.each<[string, Buffer, string, false | "limit" | "page", ReturnType<typeof judgeImageBody>]>([
    ["a PNG typed image/png", PNG, "image/png", false, { mimeType: "image/png" }],
    ["a JPEG typed image/jpeg", jpeg(), "image/jpeg", false, { mimeType: "image/jpeg" }],
    ["a GIF typed image/gif", GIF, "image/gif", false, { mimeType: "image/gif" }],
    ["a WebP typed image/webp", WEBP, "image/webp", false, { mimeType: "image/webp" }],
    ["a PNG typed as bytes", PNG, "application/octet-stream", false, { mimeType: "image/png" }],
    ["a PNG with no type", PNG, "", false, { mimeType: "image/png" }],
    ["a PNG typed image/jpeg: the bytes win", PNG, "image/jpeg", false, { mimeType: "image/png" }],
    [
      "a PNG over the limit",
      png(30, 30),
      "image/png",
      false,
      { why: "an image/png over the 1000-byte image limit, set by --max-image-bytes", refusal: "size" },
    ],
    ["a PNG exactly as wide as the side limit", png(32, 1), "image/png", false, { mimeType: "image/png" }],
    [
      "a PNG wider than the side limit",
      png(33, 1),
      "image/png",
      false,
      {
        why: "an image/png of 33×1 px, over the 32-px limit on its longer side, set by --max-image-side; Claude's API refuses a larger image and the whole request with it",
        refusal: "size",
      },
    ],
    ["a PNG cut by a read limit", PNG, "image/png", "limit", { why: "an image/png cut short, so not a whole image" }],
    [
      "a PNG typed as text, read a page's worth",
      PNG,
      "text/plain",
      "page",
      {
        why: "an image/png typed text/plain, read only as far as the page of text asked for, so not whole; http_request with a larger max_length reads more",
      },
    ],
    [
      "a PNG with its end missing",
      PNG.subarray(0, PNG.length - 12),
      "image/png",
      false,
      { why: "an image/png that is not a whole image (cut short: it has no IEND chunk, a PNG's end)" },
    ],
    [
      "bytes typed image/png that are no image",
      Buffer.from([0, 1, 2, 3]),
      "image/png",
      false,
      { why: "typed image/png, but its bytes are not a PNG, JPEG, GIF or WebP image" },
    ],
    [
      "an image type Claude does not take",
      Buffer.from("\0\0\0\x1cftypavif"),
      "image/avif",
      false,
      { why: "only PNG, JPEG, GIF or WebP images are returned as image content" },
    ],
    [
      "another binary type",
      Buffer.from("%PDF-1.4\n\0"),
      "application/pdf",
      false,
      { why: "only images (PNG, JPEG, GIF or WebP) are returned, as image content" },
    ],
  ])("%s", (_, body, mime, cut, verdict) => {
    expect(judgeImageBody(body, mime, cut, LIMIT)).toEqual(verdict);
  });

  it("takes an image exactly at the limit", () => {
    const image = jpeg();
    expect(judgeImageBody(image, "image/jpeg", false, { ...LIMIT, maxBytes: image.length })).toEqual({
      mimeType: "image/jpeg",
    });
    expect(judgeImageBody(image, "image/jpeg", false, { ...LIMIT, maxBytes: image.length - 1 })).toHaveProperty("why");
  });
});

describe("imageLimitWarning", () => {
  it("says an image limit over the read limit can never be reached, naming both settings", () => {
    expect(imageLimitWarning(5_000_000, 1_048_576, optionNames)).toBe(
      "maxImageBytes: 5000000 is over maxResponseBytes: 1048576, the read limit: an image body of more than 1048576 bytes is cut there and summarised, not sent; raise the second to 5000000 or lower the first",
    );
  });

  it.each([
    [1_048_576, 1_048_576],
    [1000, 1_048_576],
  ])("is silent for an image limit of %i within a read limit of %i", (image, read) => {
    expect(imageLimitWarning(image, read, optionNames)).toBeUndefined();
  });
});
