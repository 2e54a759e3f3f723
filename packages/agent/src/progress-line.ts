import { oneLine } from "./one-line.js";
import type { ProgressUpdate } from "./render.js";
import { fitColumns } from "./terminal-width.js";

/** A server's progress message that already says how long (`0 bytes received, 1.5 s`, `waited 200 ms`). */
const SAYS_TIME = /\b\d+(?:\.\d+)?\s?(?:ms|s|sec|secs|seconds?)\b/;

/**
 * The live line for a running call: the server's message and numbers if it sent any, and the seconds so far unless
 * the message gives a time of its own (two times side by side read as a contradiction). `columns`: the terminal's
 * width, which the line never reaches, so it never wraps.
 */
export function progressLine(u: ProgressUpdate, columns?: number): string {
  // A bare count with no total means something only when there is no message to say it better.
  const numbers =
    u.progress === undefined ? "" : u.total ? ` ${u.progress}/${u.total}` : u.message ? "" : ` ${u.progress}`;
  const said = u.message ? ` ${oneLine(u.message, 100)}` : "";
  const time = u.message && SAYS_TIME.test(u.message) ? "" : ` (${Math.floor(u.elapsedMs / 1000)} s)`;
  const line = `  … ${oneLine(u.name, 60)}${said}${numbers}${time}`;
  // One column is left free: a line that fills its row leaves some terminals about to wrap.
  return columns ? fitColumns(line, columns - 1) : line;
}
