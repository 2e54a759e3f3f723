// The smallest whole PNG, for every package's image tests, and the same bytes with their header declaring another
// size: what an image's size is judged by (its CRC then no longer matches, which a size read ignores).

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

/** The 1×1 PNG with its header declaring `width`×`height`, whatever the pixel data holds. */
export function pngOf(width: number, height: number): Buffer {
  const bytes = Buffer.from(PNG);
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return bytes;
}
