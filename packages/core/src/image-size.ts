// An image's pixel size, from its header alone: a model's API refuses an image over its dimension limit (Claude's:
// 8000×8000), and the whole request with it, so a sender must know the size before it sends. Nothing is decoded;
// a JPEG's frame header is found by stepping over its segments, the rest sit at fixed offsets.

/** The longest side, in pixels, of an image Claude's API takes: it refuses a larger one, and the request with it. */
export const MAX_IMAGE_SIDE = 8000;

/** Width and height in pixels. */
export interface ImageSize {
  width: number;
  height: number;
}

/** The size an image of media type `type` (one imageType named) declares in its header, or undefined if unreadable. */
export function imageSize(type: string, bytes: Uint8Array): ImageSize | undefined {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = data.length;
  switch (type) {
    case "image/png":
      return n >= 24 ? { width: data.readUInt32BE(16), height: data.readUInt32BE(20) } : undefined;
    case "image/gif":
      // The logical screen, which every frame is drawn on.
      return n >= 10 ? { width: data.readUInt16LE(6), height: data.readUInt16LE(8) } : undefined;
    case "image/webp":
      return webpSize(data);
    case "image/jpeg":
      return jpegSize(data);
    default:
      return undefined;
  }
}

/**
 * An image too large to go as image content, by the size its header declares: `12000×300 px` and the limit, for
 * messages. Undefined when it fits, or when its size cannot be read (its format's checks judge that).
 */
export function imageSideProblem(type: string, bytes: Uint8Array, maxSide: number): string | undefined {
  const size = imageSize(type, bytes);
  if (!size || Math.max(size.width, size.height) <= maxSide) return undefined;
  return `${size.width}×${size.height} px, over the ${maxSide}-px limit on its longer side`;
}

/** A WebP's size: its VP8X canvas, its lossless (VP8L) header, or its lossy (VP8) key frame. */
function webpSize(data: Buffer): ImageSize | undefined {
  if (data.length < 30) return undefined;
  const chunk = data.toString("latin1", 12, 16);
  if (chunk === "VP8X") return { width: data.readUIntLE(24, 3) + 1, height: data.readUIntLE(27, 3) + 1 };
  if (chunk === "VP8L" && data[20] === 0x2f) {
    const bits = data.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === "VP8 " && data[23] === 0x9d && data[24] === 0x01 && data[25] === 0x2a) {
    return { width: data.readUInt16LE(26) & 0x3fff, height: data.readUInt16LE(28) & 0x3fff };
  }
  return undefined;
}

/** Start-of-frame markers (C0–CF but DHT C4, JPG C8 and DAC CC): each gives the frame's height and width. */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** A JPEG's size, from the first start-of-frame segment, stepping from segment to segment by their lengths. */
function jpegSize(data: Buffer): ImageSize | undefined {
  let at = 2;
  while (at + 3 < data.length) {
    if (data[at] !== 0xff) return undefined;
    const marker = data[at + 1] ?? 0;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    // Markers with no length: TEM and RST0–7; a scan (DA) before any frame header means there is none.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined;
    if (SOF.has(marker)) {
      return at + 9 <= data.length
        ? { width: data.readUInt16BE(at + 7), height: data.readUInt16BE(at + 5) }
        : undefined;
    }
    at += 2 + data.readUInt16BE(at + 2);
  }
  return undefined;
}
