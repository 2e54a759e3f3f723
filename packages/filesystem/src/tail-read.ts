// `tail` of a file too big to count its lines: read back from the end, a chunk at a time, to the lines shown.
import { LineScanner } from "./line-scanner.js";
import { CHUNK, LINE_COUNT_BUDGET, readAt, readRange } from "./read-io.js";
import { ToolError } from "./sandbox.js";
import { ShownText, type TextForm } from "./shown-text.js";
import { formatBytes } from "./text.js";
import { bomLength } from "./utf16.js";

/** Where the last `count` lines begin in bytes read back from a file's end, as far as `budget` bytes could show. */
export class TailStart {
  /** Bytes seen back from the end. */
  private seen = 0;
  /** 1 when the file ends in a newline, which ends its last line rather than begins another. */
  private final = 0;
  private lines = 0;
  /** Bytes from the earliest line start found to the end. */
  private start = 0;

  constructor(
    private readonly count: number,
    private readonly budget: number,
  ) {}

  /**
   * The chunk just before those seen: where the lines to show begin, counted from its start (so perhaps in a later
   * chunk); `"long"` when the last line alone is over the budget (its start is never needed); or undefined to read
   * further back. `first` is the file's first chunk.
   */
  prepend(chunk: Buffer, first: boolean): number | "long" | undefined {
    let end = chunk.length;
    if (this.seen === 0 && chunk[end - 1] === 10) {
      this.final = 1;
      end--;
    }
    this.seen += chunk.length;
    for (let nl = lastNewline(chunk, end); nl !== -1; nl = lastNewline(chunk, nl)) {
      this.start = this.seen - (nl + 1);
      const after = this.start - this.final;
      this.lines++;
      if (this.lines === 1 && after >= this.budget) return "long";
      // Lines from here on cost at least `after` + 1 bytes of the budget: none before them can be shown too.
      if (this.lines === this.count || after >= this.budget) return nl + 1;
    }
    if (this.seen - this.final < this.budget) return first ? 0 : undefined;
    // The line begun before the lines found could not be shown with them: it and they are over the budget.
    return this.lines === 0 ? "long" : this.seen - this.start;
  }
}

/**
 * Where a chunk read back to `at` begins: at `at`, or for UTF-16 at the code unit (even offsets, after the BOM) it
 * falls in, and before the high surrogate whose pair it would split; for UTF-32 at the unit it falls in.
 */
function chunkStart(fd: number, at: number, { encoding }: TextForm): number {
  if (!encoding || at === 0) return at;
  if (bomLength(encoding) === 4) return at - (at % 4);
  // Not `at & ~1`: bitwise operators work on 32 bits, and past 2 GiB that offset came out negative.
  const even = at - (at % 2);
  const unit = readRange(fd, 2, even);
  const first = encoding === "utf-16le" ? (unit[1] ?? 0) : (unit[0] ?? 0);
  return (first & 0xfc) === 0xdc && even >= 4 ? even - 2 : even;
}

/** The last newline in `bytes` before `end`, or -1. */
function lastNewline(bytes: Buffer, end: number): number {
  return end > 0 ? bytes.lastIndexOf(10, end - 1) : -1;
}

const COUNTED = `lines are counted only in a file's first ${formatBytes(LINE_COUNT_BUDGET)}`;

/**
 * The last `count` lines of a file of `size` bytes (its size when opened) that fit `budget` bytes with the note,
 * reading back from the end only as far as they go; `reserve` is the note's room. Lines keep the cost and cut of a
 * forward read (U+FFFD for a byte that is not UTF-8); a last line over the budget is shown by its end.
 */
export async function readLastLines(
  fd: number,
  size: number,
  count: number,
  budget: number,
  reserve: number,
  signal?: AbortSignal,
  form: TextForm = { crLines: false },
): Promise<string> {
  const room = budget - reserve;
  const finder = new TailStart(count, room);
  const chunks: Buffer[] = [];
  let found: number | "long" | undefined;
  for (let position = size; found === undefined; ) {
    if (signal?.aborted) throw new ToolError("read cancelled");
    const end = position;
    position = chunkStart(fd, Math.max(0, end - CHUNK), form);
    const length = end - position;
    const raw = Buffer.allocUnsafe(length);
    const n = await readAt(fd, raw, length, position);
    if (n < length) throw new ToolError("the file shrank while it was read; call again");
    // Each chunk is decoded on its own: it begins on a whole character, and its CRs are line ends as they are forward.
    const text = new ShownText(form, position === 0);
    const chunk = Buffer.concat([text.push(raw), text.end()]);
    chunks.unshift(chunk);
    found = finder.prepend(chunk, position === 0);
  }
  const bytes = Buffer.concat(chunks);
  const whole = formatBytes(size);
  if (found !== "long") {
    const scanner = new LineScanner({ kind: "tail", count }, room);
    scanner.push(bytes.subarray(found));
    const window = scanner.end();
    if (window.longLine === undefined) {
      const shown = window.lines.length === 1 ? "line" : `${window.lines.length} lines`;
      const fit = window.lines.length < count ? ` (as many as fit the ${budget}-byte cap)` : "";
      const more = fit ? "" : `; earlier lines: tail=${2 * count}`;
      return `${window.lines.join("\n")}\n[the last ${shown} of a ${whole} file${fit}, not numbered: ${COUNTED}${more}]`;
    }
  }
  const end = bytes[bytes.length - 1] === 10 ? bytes.length - 1 : bytes.length;
  const text = lastFitting(bytes.subarray(lastNewline(bytes, end) + 1, end), room - 1);
  return `${text.text}\n[the last line of a ${whole} file is over the ${budget}-byte cap: showing its last ${text.bytes} bytes; ${COUNTED}, so it has no number for offset and skip_bytes to page it]`;
}

/** The end of `line` that shows in at most `room` bytes, begun on a character's start, and the bytes of it shown. */
export function lastFitting(line: Buffer, room: number): { text: string; bytes: number } {
  let start = Math.max(0, line.length - room);
  for (;;) {
    // A continuation byte begins no character: step past at most three, as a character has at most three.
    for (let j = start; j < Math.min(line.length, start + 3) && ((line[j] ?? 0) & 0xc0) === 0x80; j++) start = j + 1;
    const text = line.subarray(start).toString("utf8");
    const over = Buffer.byteLength(text) - room;
    if (over <= 0) return { text, bytes: line.length - start };
    // A byte that is not UTF-8 shows as U+FFFD, three bytes: leave out enough of them to fit.
    start += Math.ceil(over / 3);
  }
}
