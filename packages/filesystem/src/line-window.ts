// What a read_file window is: the lines asked for (LineMode), and the lines a scan of the file found for it.

/**
 * Which lines to show: a range (1-based start, at most `count`, the first `skip` bytes of line `start` left out, to
 * page through a line longer than the budget), or the last `count`.
 */
export type LineMode = { kind: "range"; start: number; count: number; skip?: number } | { kind: "tail"; count: number };

/** The lines chosen, where they sit in the file, and whether the byte budget cut them short. */
export interface LineWindow {
  lines: string[];
  first: number;
  last: number;
  total: number;
  /** The budget stopped the window before the requested count. */
  cut: boolean;
  /** Byte length of the one line shown, when even that line alone is over the budget (it is shown cut). */
  longLine?: number;
  /** The long line goes on past the bytes read: `longLine` is only a lower bound on its length. */
  longLineOpen?: true;
  /** Bytes of the first line left out before the text shown (a `skip`, moved back to a character's start). */
  from?: number;
  /** Byte length of the first line, when bytes of it were skipped. */
  firstLength?: number;
  /** Where the part of a long line not shown begins: the `skip` that pages on through it. */
  nextByte?: number;
}
