import { isUtf8 } from "node:buffer";
import { firstInvalidUtf8, type Utf8Fault } from "@mcp-toolkit/core";

/**
 * The first byte of a file's head (its first bytes; `size` is the whole file's) that is not UTF-8. A sequence the head
 * cuts short, with more file after it, is not counted: the rest of it lies past the head.
 */
export function headFault(head: Uint8Array, size: number): Utf8Fault | undefined {
  const fault = firstInvalidUtf8(head);
  return fault && size > head.length && fault.offset >= head.length - 3 && fault.byte >= 0xc2 ? undefined : fault;
}

/** A byte as messages show it: 0xe9. */
export function hexByte(byte: number): string {
  return `0x${byte.toString(16).padStart(2, "0")}`;
}

/**
 * Continuation bytes a UTF-8 character has at most: the bytes kept before a read's `skip`, so that it can be moved back
 * to the start of the character it falls in.
 */
export const CHAR_SLACK = 3;

/** The bytes a line takes as text: its own when UTF-8, else more, as each byte that is not shows as U+FFFD. */
export function shownBytes(bytes: Buffer): number {
  return isUtf8(bytes) ? bytes.length : Buffer.byteLength(bytes.toString("utf8"));
}

/**
 * Where the UTF-8 character that byte `i` falls in begins: `i`, unless it continues a character begun at most three
 * bytes before. Bytes that only look like continuations (Latin-1's 0x80–0xbf) move nothing.
 */
export function charStart(bytes: Uint8Array, i: number): number {
  for (let j = i; j >= Math.max(0, i - CHAR_SLACK); j--) {
    const b = bytes[j] ?? 0;
    if ((b & 0xc0) === 0x80) continue;
    if (j === i) return i;
    const length = b >= 0xf8 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return j + length > i ? j : i;
  }
  return i;
}
