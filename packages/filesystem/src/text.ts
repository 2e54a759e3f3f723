import type { LineWindow } from "./line-window.js";
import { LINE_SEEK_BUDGET } from "./read-io.js";

/** Git's heuristic: a NUL byte in the first 8000 bytes means binary. */
export function looksBinary(head: Uint8Array): boolean {
  const end = Math.min(head.length, 8000);
  for (let i = 0; i < end; i++) if (head[i] === 0) return true;
  return false;
}

/** Where a count of lines stopped: its lines were counted in the first `bytes` of a file of `size` bytes. */
export interface CountedPart {
  bytes: number;
  size: number;
}

/**
 * The note appended when a read shows part of a file, telling the model how to get the rest. `via` names the call
 * that pages (`read_file "a.txt" with `) where the read was not read_file's, which takes the offset itself.
 * `counted` says the total is a lower bound: the lines past that part of the file were not counted.
 */
export function windowNote(w: LineWindow, budget: number, tail = false, via = "", counted?: CountedPart): string {
  const from = w.from ?? 0;
  if (w.longLine !== undefined) {
    const shown = `bytes ${from + 1}–${w.nextByte}`;
    const rest = `rest of the line: ${via}offset=${w.first} skip_bytes=${w.nextByte}`;
    if (w.longLineOpen) {
      // Read no further than the page and a margin: where the line ends, and so where the next begins, is not known.
      const next = `; next line: ${via}offset=${w.first + 1} if in the first ${formatBytes(LINE_SEEK_BUDGET)}`;
      return `[line ${w.first} is at least ${w.longLine} bytes: showing ${shown}; ${rest}${next}]`;
    }
    const next = w.last < w.total ? `; next line: ${via}offset=${w.last + 1}` : "";
    return `[line ${w.first} is ${w.longLine} bytes, over the ${budget}-byte cap: showing ${shown}; ${rest}${next}]`;
  }
  if (w.first <= 1 && w.last >= w.total && from === 0) return "";
  const part = from > 0 ? ` (line ${w.first} from its byte ${from + 1} of ${w.firstLength})` : "";
  const range = w.lines.length === 0 ? "no lines" : `lines ${w.first}–${w.last}${part}`;
  const next =
    w.last < w.total
      ? `; ${via || "call again with "}offset=${w.last + 1}`
      : tail
        ? `; earlier lines: ${via}offset=${Math.max(1, w.first - w.lines.length)}`
        : "; end of file";
  const total = counted
    ? `at least ${w.total} (counted in the first ${formatBytes(counted.bytes)} of ${formatBytes(counted.size)})`
    : w.total;
  return `[showing ${range} of ${total}${next}]`;
}

/** Human-readable byte count. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = n / 1024;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[i]}`;
}

/**
 * A size and the limit it is over, as formatBytes shows them, or both in exact bytes where the rounded figures would
 * read the same ("10.0 MiB, over the 10.0 MiB limit" says nothing).
 */
export function sizeOverLimit(size: number, limit: number): { size: string; limit: string } {
  const rounded = { size: formatBytes(size), limit: formatBytes(limit) };
  if (rounded.size !== rounded.limit) return rounded;
  return { size: `${size.toLocaleString("en-US")} B`, limit: `${limit.toLocaleString("en-US")} B` };
}
