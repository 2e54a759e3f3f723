// UTF-32 text marked by a byte order mark (FF FE 00 00: LE, 00 00 FE FF: BE; some Python and ICU tools write it): read
// and written back as BOM-marked UTF-16 is. TextDecoder has no UTF-32, and its decoding is four bytes a character.

/** The two encodings a UTF-32 byte order mark names. */
export type Utf32 = "utf-32le" | "utf-32be";

/** Whether a 32-bit unit is a character's code point: within Unicode, and not a surrogate (those are UTF-16's). */
function isScalar(unit: number): boolean {
  return unit <= 0x10ffff && (unit < 0xd800 || unit > 0xdfff);
}

/** The unit at byte `i` of `bytes` (which holds its four bytes), in `encoding`'s byte order. */
function unitAt(bytes: Uint8Array, i: number, encoding: Utf32): number {
  const [a, b, c, d] = [bytes[i] ?? 0, bytes[i + 1] ?? 0, bytes[i + 2] ?? 0, bytes[i + 3] ?? 0];
  return (encoding === "utf-32le" ? (d << 24) | (c << 16) | (b << 8) | a : (a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/**
 * Decodes UTF-32 chunk by chunk, as TextDecoder does the encodings it knows: a unit that is not a code point, and
 * bytes left over at the end (fewer than four), read as U+FFFD. The caller leaves the BOM out.
 */
export class Utf32Decoder {
  private rest: Uint8Array = new Uint8Array(0);

  constructor(private readonly encoding: Utf32) {}

  /** The text of `input` after what earlier calls left over; without `stream`, the end of the text. */
  decode(input: Uint8Array = new Uint8Array(0), options?: { stream?: boolean }): string {
    const bytes = this.rest.length > 0 ? Buffer.concat([this.rest, input]) : input;
    const whole = bytes.length - (bytes.length % 4);
    const parts: string[] = [];
    const points: number[] = [];
    for (let i = 0; i < whole; i += 4) {
      const unit = unitAt(bytes, i, this.encoding);
      points.push(isScalar(unit) ? unit : 0xfffd);
      // fromCodePoint takes its points as arguments: a batch stays far below the engine's limit on their count.
      if (points.length === 8192) parts.push(String.fromCodePoint(...points.splice(0)));
    }
    parts.push(String.fromCodePoint(...points));
    // A copy, not a view (Buffer's slice is one): the caller may read its next chunk into the same buffer.
    this.rest = Uint8Array.prototype.slice.call(bytes, whole);
    if (!options?.stream && this.rest.length > 0) {
      this.rest = new Uint8Array(0);
      parts.push("\uFFFD");
    }
    return parts.join("");
  }
}

/** A whole file's text, its BOM left out (decodeMarked's UTF-32 half). */
export function decodeUtf32(bytes: Uint8Array, encoding: Utf32): string {
  return new Utf32Decoder(encoding).decode(bytes.subarray(4));
}

/** `text` as a file in `encoding`: its byte order mark, then a unit per character (decodeUtf32's inverse). */
export function encodeUtf32(text: string, encoding: Utf32): Buffer {
  const out = Buffer.allocUnsafe(4 * (text.length + 1));
  const write = encoding === "utf-32le" ? out.writeUInt32LE.bind(out) : out.writeUInt32BE.bind(out);
  write(0xfeff, 0);
  let n = 4;
  for (const char of text) {
    const point = char.codePointAt(0) ?? 0xfffd;
    n = write(isScalar(point) ? point : 0xfffd, n);
  }
  return out.subarray(0, n);
}

/**
 * The first place in a BOM-marked UTF-32 file that is not a character (a unit past U+10FFFF or a surrogate, fewer than
 * four last bytes), which decoding would replace with U+FFFD; undefined when it decodes losslessly.
 */
export function utf32Fault(bytes: Uint8Array, encoding: Utf32): string | undefined {
  const end = bytes.length - (bytes.length % 4);
  for (let i = 4; i < end; i += 4) {
    const unit = unitAt(bytes, i, encoding);
    if (!isScalar(unit)) return `a unit 0x${unit.toString(16)}, not a character, at byte offset ${i}`;
  }
  if (end < bytes.length) return `${bytes.length - end} bytes left over at the end (from byte offset ${end})`;
  return undefined;
}

/**
 * Whether a binary-looking head is laid out as UTF-32 text without a byte order mark (each character's two high bytes
 * NUL, its low one not): only to say so in the refusal, never to decode it, which would be a guess.
 */
export function looksUnmarkedUtf32(head: Uint8Array): boolean {
  const units = Math.floor(Math.min(head.length, 8000) / 4);
  if (units < 2) return false;
  const fits = (low: number, high: [number, number]) => {
    let ok = 0;
    for (let i = 0; i < units * 4; i += 4) {
      if (head[i + high[0]] === 0 && head[i + high[1]] === 0 && head[i + low] !== 0) ok++;
    }
    return ok >= 0.9 * units;
  };
  return fits(0, [2, 3]) || fits(3, [0, 1]);
}
