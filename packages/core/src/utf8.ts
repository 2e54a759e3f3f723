// Where bytes stop being UTF-8, for messages that name the first bad byte: the filesystem server's reads and edits,
// and the agent's piped stdin. Pure.
import { isUtf8 } from "node:buffer";

/** Where a byte sequence first stops being UTF-8: the 0-based byte offset, that byte, and its 1-based line. */
export interface Utf8Fault {
  offset: number;
  byte: number;
  line: number;
}

/**
 * The first byte that is not part of a well-formed UTF-8 sequence (Unicode table 3-7: no overlong forms, surrogates
 * or code points past U+10FFFF), or undefined when all of `bytes` is UTF-8. Decoding such bytes replaces them with
 * U+FFFD, so text read from them cannot be written back unchanged.
 */
export function firstInvalidUtf8(bytes: Uint8Array): Utf8Fault | undefined {
  if (isUtf8(bytes)) return undefined;
  let line = 1;
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      if (lead === 0x0a) line++;
      i++;
      continue;
    }
    const length = sequenceLength(bytes, i);
    if (length === 0) return { offset: i, byte: lead, line };
    i += length;
  }
  return undefined;
}

/** The length of the well-formed multi-byte sequence starting at `at`, or 0 if there is none. */
function sequenceLength(bytes: Uint8Array, at: number): number {
  const lead = bytes[at] as number;
  const [length, low, high] =
    lead >= 0xc2 && lead <= 0xdf
      ? [2, 0x80, 0xbf]
      : lead === 0xe0
        ? [3, 0xa0, 0xbf]
        : lead === 0xed
          ? [3, 0x80, 0x9f]
          : lead >= 0xe1 && lead <= 0xef
            ? [3, 0x80, 0xbf]
            : lead === 0xf0
              ? [4, 0x90, 0xbf]
              : lead >= 0xf1 && lead <= 0xf3
                ? [4, 0x80, 0xbf]
                : lead === 0xf4
                  ? [4, 0x80, 0x8f]
                  : [0, 0, 0];
  if (length === 0 || at + length > bytes.length) return 0;
  const second = bytes[at + 1] as number;
  if (second < low || second > high) return 0;
  for (let k = 2; k < length; k++) {
    const next = bytes[at + k] as number;
    if (next < 0x80 || next > 0xbf) return 0;
  }
  return length;
}
