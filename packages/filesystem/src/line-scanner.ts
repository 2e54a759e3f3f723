// A file's lines as a read_file window: the lines asked for that fit the byte budget, counted as shown (a byte that
// is not UTF-8 shows as U+FFFD), while the whole file streams through in bounded memory.
import type { LineMode, LineWindow } from "./line-window.js";
import { LONG_LINE_MARGIN } from "./read-io.js";
import { CHAR_SLACK, charStart, shownBytes } from "./utf8.js";

/**
 * Streams a file's bytes and keeps only the requested lines that fit in `budget` bytes, while
 * counting all lines. Memory stays bounded by the budget, whatever the file size.
 */
export class LineScanner {
  private partial: Buffer[] = [];
  private partialLength = 0;
  private pending = false;
  private n = 0;
  private kept: Buffer[] = [];
  /** What each kept line costs of the budget: its bytes as shown, each byte that is not UTF-8 as U+FFFD's three. */
  private costs: number[] = [];
  private keptHead = 0;
  private used = 0;
  private full = false;
  private longLine: number | undefined;
  private nextByte: number | undefined;
  private from = 0;
  private firstLength: number | undefined;

  constructor(
    private readonly mode: LineMode,
    private readonly budget: number,
  ) {}

  push(chunk: Buffer): void {
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
      if (this.pending) {
        this.addPartial(chunk.subarray(from, nl));
        this.flushPartial();
      } else {
        this.line(chunk.subarray(from, nl), nl - from);
      }
      from = nl + 1;
    }
    if (from < chunk.length) {
      this.pending = true;
      this.addPartial(chunk.subarray(from));
    }
  }

  /** A range whose lines are all found: more bytes would only add to the count of lines. */
  get settled(): boolean {
    return this.mode.kind === "range" && (this.full || this.n >= this.mode.start + this.mode.count - 1);
  }

  /** Every line before the range's first has ended: the window has begun. */
  get reached(): boolean {
    return this.mode.kind === "tail" || this.n >= this.mode.start - 1;
  }

  /** Lines ended so far. */
  get lines(): number {
    return this.n;
  }

  /**
   * The line being read is one of the window's and already LONG_LINE_MARGIN past what the budget could show: it will
   * be shown cut (or not at all), so the rest of it need not be read.
   */
  get overlong(): boolean {
    if (!this.pending || this.mode.kind !== "range" || !this.wants(this.n + 1)) return false;
    const skip = this.n + 1 === this.mode.start ? (this.mode.skip ?? 0) : 0;
    return this.partialLength - skip > this.budget + LONG_LINE_MARGIN;
  }

  /**
   * The window; `unread` says bytes of the file were left unread, which hold at least one more line, or the rest of
   * the line being read.
   */
  end(unread = false): LineWindow {
    const more = unread && !this.pending ? 1 : 0;
    const open = unread && this.pending;
    if (this.pending) this.flushPartial();
    const kept = this.kept.slice(this.keptHead);
    const lines = kept.map((b) => b.toString("utf8"));
    const first = this.mode.kind === "tail" ? this.n - kept.length + 1 : this.mode.start;
    const wanted = this.mode.kind === "tail" ? Math.min(this.mode.count, this.n) : this.mode.count;
    return {
      lines,
      first,
      last: first + lines.length - 1,
      total: this.n + more,
      cut: this.full || (this.mode.kind === "tail" && kept.length < wanted) || this.longLine !== undefined,
      ...(this.longLine !== undefined ? { longLine: this.longLine, nextByte: this.nextByte } : {}),
      ...(this.longLine !== undefined && open && this.n === first ? { longLineOpen: true as const } : {}),
      ...(this.firstLength !== undefined ? { from: this.from, firstLength: this.firstLength } : {}),
    };
  }

  /** The bytes of line `n` from which it is kept: past most of a `skip` on the first line of a range. */
  private keptFrom(n: number): number {
    const skip = this.mode.kind === "range" && n === this.mode.start ? (this.mode.skip ?? 0) : 0;
    return Math.max(0, skip - CHAR_SLACK);
  }

  /** Buffer a line that spans chunks, but only as much of it as could ever be shown. */
  private addPartial(piece: Buffer): void {
    if (this.wants(this.n + 1)) {
      const lo = this.keptFrom(this.n + 1) - this.partialLength;
      const hi = lo + this.budget + CHAR_SLACK + 1;
      const part = piece.subarray(Math.max(0, lo), Math.max(0, Math.min(piece.length, hi)));
      if (part.length > 0) this.partial.push(Buffer.from(part));
    }
    this.partialLength += piece.length;
  }

  private flushPartial(): void {
    this.line(Buffer.concat(this.partial), this.partialLength, this.keptFrom(this.n + 1));
    this.partial = [];
    this.partialLength = 0;
    this.pending = false;
  }

  private wants(n: number): boolean {
    if (this.mode.kind === "tail") return true;
    return !this.full && n >= this.mode.start && n < this.mode.start + this.mode.count;
  }

  /**
   * One whole line: `bytes` may be cut short of its real `length` when it is far over the budget, and start `at` that
   * byte of the line (a buffered line's skipped head); a line's bytes given whole start at 0.
   */
  private line(bytes: Buffer, length: number, at = 0): void {
    this.n++;
    if (!this.wants(this.n)) return;
    if (this.mode.kind === "range" && this.n === this.mode.start && this.mode.skip) {
      // A skip past the line's end leaves nothing of it: `bytes` then holds none of the line either.
      const cut = charStart(bytes, Math.max(0, Math.min(this.mode.skip, length) - at));
      this.from = Math.min(at + cut, length);
      this.firstLength = length;
      bytes = bytes.subarray(cut);
      length -= this.from;
    }
    const cost = (length > this.budget ? length : shownBytes(bytes)) + 1;
    if (this.mode.kind === "range") {
      if (this.used + cost <= this.budget) {
        this.kept.push(Buffer.from(bytes));
        this.used += cost;
      } else {
        if (this.kept.length === 0) this.keepCut(bytes, length);
        this.full = true;
      }
      return;
    }
    this.longLine = undefined;
    if (cost > this.budget) {
      this.kept = [];
      this.costs = [];
      this.keptHead = 0;
      this.keepCut(bytes, length);
      return;
    }
    this.kept.push(Buffer.from(bytes));
    this.costs.push(cost);
    this.used += cost;
    while (this.kept.length - this.keptHead > this.mode.count || this.used > this.budget) {
      this.used -= this.costs[this.keptHead] as number;
      this.keptHead++;
    }
    if (this.keptHead > 1024) {
      this.kept = this.kept.slice(this.keptHead);
      this.costs = this.costs.slice(this.keptHead);
      this.keptHead = 0;
    }
  }

  /** Keep the start of a line too long to fit, cut on a character boundary. */
  private keepCut(bytes: Buffer, length: number): void {
    const from = this.n === this.firstLine() ? this.from : 0;
    this.longLine = length + from;
    const room = Math.max(0, this.budget - 1);
    let end = charStart(bytes, Math.min(bytes.length, room));
    let text = bytes.subarray(0, end).toString("utf8");
    // A byte that is not UTF-8 is shown as U+FFFD, three bytes: fewer bytes are shown until the text fits. The page
    // ends by the file's bytes, not the text's, so the next one (skip_bytes) starts where this one stopped.
    for (let over = Buffer.byteLength(text) - room; over > 0; over = Buffer.byteLength(text) - room) {
      end = charStart(bytes, end - Math.ceil(over / 3));
      text = bytes.subarray(0, end).toString("utf8");
    }
    this.kept.push(Buffer.from(text));
    this.used = Buffer.byteLength(text) + 1;
    this.costs.push(this.used);
    this.nextByte = from + end;
  }

  private firstLine(): number {
    return this.mode.kind === "range" ? this.mode.start : 0;
  }
}
