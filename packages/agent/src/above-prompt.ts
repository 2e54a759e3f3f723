import { clearScreenDown, cursorTo, moveCursor } from "node:readline";

/** What redrawing needs of a readline interface: its public API only. */
export interface PromptLine {
  readonly line: string;
  readonly cursor: number;
  getPrompt(): string;
  getCursorPos(): { rows: number; cols: number };
}

/**
 * Write `text` (whole lines) above a prompt waiting on a terminal, rather than into it: the prompt and what was typed
 * so far are erased, the text written, and both drawn again below it, the cursor where it was in the line. `textOut`:
 * where the text goes when it is not the prompt's stream (the transcript on stdout, the same terminal).
 */
export function writeAbovePrompt(
  out: NodeJS.WritableStream,
  rl: PromptLine,
  text: string,
  textOut: NodeJS.WritableStream = out,
): void {
  // The rows the prompt and the typed line take up to the cursor, which may have wrapped.
  moveCursor(out, 0, -rl.getCursorPos().rows);
  cursorTo(out, 0);
  clearScreenDown(out);
  textOut.write(text.endsWith("\n") ? text : `${text}\n`);
  out.write(rl.getPrompt().split("\n").at(-1) ?? "");
  writeTypedLine(out, rl);
}

/**
 * Write what was typed in `rl`'s line after a prompt just drawn, the cursor left where it is in the line: the rest of
 * the line is written between a cursor save and restore (ESC 7, ESC 8).
 */
export function writeTypedLine(out: NodeJS.WritableStream, rl: Pick<PromptLine, "line" | "cursor">): void {
  const tail = rl.line.slice(rl.cursor);
  out.write(`${rl.line.slice(0, rl.cursor)}${tail ? `\x1b7${tail}\x1b8` : ""}`);
}
