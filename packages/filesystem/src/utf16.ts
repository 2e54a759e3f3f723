// UTF-16 text marked by a byte order mark (PowerShell's `>`, .reg exports, Excel's "Unicode text"): read decoded, and
// written back in its own encoding, BOM included. Without a BOM nothing is guessed: its NUL bytes make it binary.
// BOM-marked UTF-32 (utf32.ts) is read and written the same way; the *Marked functions take either.
import { hexByte } from "./utf8.js";
import { decodeUtf32, encodeUtf32, looksUnmarkedUtf32, type Utf32, Utf32Decoder, utf32Fault } from "./utf32.js";

/** The two encodings a UTF-16 byte order mark names. */
export type Utf16 = "utf-16le" | "utf-16be";
/** The encodings a byte order mark names, besides UTF-8's (which is UTF-8 text). */
export type BomEncoding = Utf16 | Utf32;

/**
 * The encoding a file's byte order mark names: FF FE 00 00 is UTF-32LE (checked first: FF FE alone is UTF-16LE's),
 * 00 00 FE FF UTF-32BE, FF FE UTF-16LE, FE FF UTF-16BE.
 */
export function bomEncoding(head: Uint8Array): BomEncoding | undefined {
  if (head[0] === 0xff && head[1] === 0xfe) return head[2] === 0 && head[3] === 0 ? "utf-32le" : "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  if (head[0] === 0 && head[1] === 0 && head[2] === 0xfe && head[3] === 0xff) return "utf-32be";
  return undefined;
}

/** The encoding as messages name it: UTF-16LE. */
export function encodingLabel(encoding: BomEncoding): "UTF-16LE" | "UTF-16BE" | "UTF-32LE" | "UTF-32BE" {
  return encoding.toUpperCase() as ReturnType<typeof encodingLabel>;
}

/** Bytes of `encoding`'s byte order mark, and of its code unit. */
export function bomLength(encoding: BomEncoding): 2 | 4 {
  return isUtf16(encoding) ? 2 : 4;
}

function isUtf16(encoding: BomEncoding): encoding is Utf16 {
  return encoding === "utf-16le" || encoding === "utf-16be";
}

/** What TextDecoder and Utf32Decoder both do: decode bytes, chunk by chunk with `stream: true`. */
export interface ChunkDecoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}

/** A decoder of a BOM-marked file's bytes past its BOM, chunk by chunk (`stream: true`) or whole. */
export function markedDecoder(encoding: BomEncoding): ChunkDecoder {
  return isUtf16(encoding) ? new TextDecoder(encoding, { ignoreBOM: true }) : new Utf32Decoder(encoding);
}

/** A BOM-marked file's whole text, its BOM left out; bytes that are not text read as U+FFFD. */
export function decodeMarked(bytes: Uint8Array, encoding: BomEncoding): string {
  return isUtf16(encoding) ? decodeUtf16(bytes, encoding) : decodeUtf32(bytes, encoding);
}

/** `text` as a file in `encoding`, its BOM first (decodeMarked's inverse). */
export function encodeMarked(text: string, encoding: BomEncoding): Buffer {
  return isUtf16(encoding) ? encodeUtf16(text, encoding) : encodeUtf32(text, encoding);
}

/** The first place in a BOM-marked file that would decode as U+FFFD, so not be written back as it was; or undefined. */
export function markedFault(bytes: Uint8Array, encoding: BomEncoding): string | undefined {
  return isUtf16(encoding) ? utf16Fault(bytes, encoding) : utf32Fault(bytes, encoding);
}

/** A whole file's text, its BOM left out; an odd last byte or a lone surrogate reads as U+FFFD. */
export function decodeUtf16(bytes: Uint8Array, encoding: Utf16): string {
  return new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes.subarray(2));
}

/** `text` as a file in `encoding`: its byte order mark, then its code units (decodeUtf16's inverse). */
export function encodeUtf16(text: string, encoding: Utf16): Buffer {
  const bytes = Buffer.from(`\uFEFF${text}`, "utf16le");
  return encoding === "utf-16be" ? bytes.swap16() : bytes;
}

/**
 * The first place in a BOM-marked file whose bytes are not UTF-16 (a lone surrogate, an odd last byte), which decoding
 * would replace with U+FFFD, so the text written back would not be the file's; undefined when it decodes losslessly.
 */
export function utf16Fault(bytes: Uint8Array, encoding: Utf16): string | undefined {
  const unit = (i: number) =>
    encoding === "utf-16le"
      ? (bytes[i] ?? 0) | ((bytes[i + 1] ?? 0) << 8)
      : ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
  const end = bytes.length - (bytes.length % 2);
  for (let i = 2; i < end; i += 2) {
    const u = unit(i);
    if (u >= 0xd800 && u <= 0xdbff && i + 2 < end && (unit(i + 2) & 0xfc00) === 0xdc00) i += 2;
    else if (u >= 0xd800 && u <= 0xdfff) return `a lone surrogate 0x${u.toString(16)} at byte offset ${i}`;
  }
  if (end < bytes.length) return `an odd last byte (${hexByte(bytes[end] ?? 0)} at byte offset ${end})`;
  return undefined;
}

/**
 * Whether a binary-looking head is laid out as UTF-16 text without a byte order mark (ASCII in it has a NUL at every
 * other byte): only to say so in the refusal, never to decode it, which would be a guess.
 */
export function looksUnmarkedUtf16(head: Uint8Array): boolean {
  const end = Math.min(head.length, 8000) & ~1;
  if (end < 4) return false;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < end; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  const pairs = end / 2;
  const [most, least] = evenNul > oddNul ? [evenNul, oddNul] : [oddNul, evenNul];
  return most >= 0.8 * pairs && least <= 0.05 * pairs;
}

/** The encoding a binary-looking head is laid out in though it has no byte order mark, if UTF-16's or UTF-32's. */
export function unmarkedLayout(head: Uint8Array): "UTF-16" | "UTF-32" | undefined {
  return looksUnmarkedUtf16(head) ? "UTF-16" : looksUnmarkedUtf32(head) ? "UTF-32" : undefined;
}
