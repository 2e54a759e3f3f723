// A body typed as text whose bytes are not text: a PDF, an archive or random bytes served as text/html or text/plain
// read as thousands of characters of mojibake, under a note blaming a legacy charset. WHATWG MIME Sniffing tells text
// from binary by its "binary data bytes" (NUL and the C0 controls text never uses; tab, newlines, form feed and escape
// are text's) in the first 1445 bytes. UTF-16 text is full of NULs, so a body its BOM or Content-Type says is UTF-16
// is text. Pure.
import { chooseEncoding } from "./charset.js";
import { headerCharset } from "./media-type.js";
import { encodingOf } from "./meta-charset.js";

/** How much of a body is looked at: mimesniff's resource header. */
const HEAD_BYTES = 1445;

function isBinaryByte(byte: number): boolean {
  return byte <= 0x08 || byte === 0x0b || (byte >= 0x0e && byte <= 0x1a) || (byte >= 0x1c && byte <= 0x1f);
}

/**
 * Whether a body typed as text is binary: a NUL in its first 1445 bytes, or binary data bytes making up 1 in 100 of
 * them (one stray control character in a real page is not enough to hide it).
 */
export function binaryUnderTextType(body: Uint8Array, contentType: string | undefined): boolean {
  if (chooseEncoding(body, contentType, false).encoding.startsWith("utf-16")) return false;
  const head = body.subarray(0, HEAD_BYTES);
  let count = 0;
  for (const byte of head) {
    if (byte === 0) return true;
    if (isBinaryByte(byte)) count++;
  }
  return count > 0 && count * 100 >= head.length;
}

/**
 * Whether a body typed as no text this tool knows (`application/jsonl`, AWS's `application/x-amz-json-1.1`) is text
 * all through: no NUL anywhere, binary data bytes under 1 in 100 of all of it, and valid UTF-8 (or in a charset its
 * Content-Type names; `charset=binary` names none). All of it, not its head: a PDF whose first kilobytes are ASCII is
 * binary further on. A `cut` body may end inside a character.
 */
export function textThroughout(body: Uint8Array, contentType: string | undefined, cut: boolean): boolean {
  let count = 0;
  for (const byte of body) {
    if (byte === 0) return false;
    if (isBinaryByte(byte)) count++;
  }
  if (count > 0 && count * 100 >= body.length) return false;
  const label = headerCharset(contentType);
  const named = label === undefined ? undefined : encodingOf(label);
  if (named !== undefined && named !== "utf-8") return true;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(body, { stream: cut });
    return true;
  } catch {
    return false;
  }
}
