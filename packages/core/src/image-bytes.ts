// Images as bytes: which format they are (by their magic, since extensions lie), and whether they are whole. An image
// goes to a model's API as image content, which it decodes: one cut short (a download stopped, a
// copy interrupted) or only a format's first bytes (a "GIF89a" stub) fails that request as a whole, and with it the
// conversation. These checks look for each format's end marker, not at what is between; bytes after the end (a
// phone's trailer after a JPEG) are allowed, as decoders ignore them.

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The media type of a known image format, from its magic bytes (extensions lie). */
export function imageType(head: Uint8Array): string | undefined {
  const b = (i: number) => head[i] ?? -1;
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) return "image/png";
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return "image/jpeg";
  if (b(0) === 0x47 && b(1) === 0x49 && b(2) === 0x46 && b(3) === 0x38) return "image/gif";
  if (b(0) === 0x52 && b(1) === 0x49 && b(2) === 0x46 && b(3) === 0x46 && b(8) === 0x57 && b(9) === 0x45) {
    return "image/webp";
  }
  return undefined;
}

/** What is wrong with a whole image of media type `type` (one imageType named), or undefined when it looks whole. */
export function imageProblem(type: string, bytes: Uint8Array): string | undefined {
  const data = latin1(bytes);
  const n = data.length;
  switch (type) {
    case "image/png":
      if (n < 45 || data.toString("latin1", 12, 16) !== "IHDR") return "no IHDR chunk where a PNG's header must be";
      return data.lastIndexOf("IEND", n, "latin1") >= 33 ? undefined : "cut short: it has no IEND chunk, a PNG's end";
    case "image/jpeg":
      return data.lastIndexOf(Buffer.from([0xff, 0xd9])) >= 2
        ? undefined
        : "cut short: it has no end-of-image marker (FF D9), a JPEG's end";
    case "image/gif": {
      if (n < 14 || !/^GIF8[79]a$/.test(data.toString("latin1", 0, 6))) return "too short for a GIF's header";
      let end = n - 1;
      while (end > 13 && data[end] === 0) end--; // padding after the trailer
      return data[end] === 0x3b ? undefined : "cut short: it does not end with a GIF's trailer byte (3B)";
    }
    case "image/webp": {
      if (n < 16 || data.toString("latin1", 12, 15) !== "VP8") return "no VP8 chunk where a WebP's image must start";
      const declared = data.readUInt32LE(4) + 8;
      return declared <= n + 1 ? undefined : `cut short: its RIFF header gives ${declared} bytes, the file has ${n}`;
    }
    default:
      return undefined;
  }
}

/** Largest image a server returns as image content unless its operator says otherwise (1 MiB), the same for all. */
export const DEFAULT_MAX_IMAGE_BYTES = 1_048_576;

/** The media types imageType names: the ones a model's API (Claude's) takes as image content. */
export const IMAGE_MEDIA_TYPES: ReadonlySet<string> = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** Those formats, for messages. */
export const IMAGE_FORMATS = "PNG, JPEG, GIF or WebP";

/**
 * Bytes that start as an image format, judged as image content: its media type, and why it cannot go as an image
 * (over `maxBytes`, or not whole), if it cannot. Undefined for bytes that are no image format, and for text that only
 * starts like one ("GIF89a is…": every real image's header has a NUL in its first bytes, text has none).
 */
export function imageVerdict(bytes: Uint8Array, maxBytes: number): { mimeType: string; refused?: string } | undefined {
  const mimeType = imageType(bytes);
  if (!mimeType || !bytes.subarray(0, 8000).includes(0)) return undefined;
  if (bytes.length > maxBytes) return { mimeType, refused: `over the ${maxBytes}-byte image limit` };
  const problem = imageProblem(mimeType, bytes);
  return problem ? { mimeType, refused: `not a whole image (${problem})` } : { mimeType };
}
