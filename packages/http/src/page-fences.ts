// A page of markdown cut inside a fenced code block: the page would end with the fence open and the next begin
// mid-block with none, so a model reading the next page alone takes the code for prose (`# comment` a heading).
// The page gets the fence closed at its end and the next gets it reopened, with its info string (the language).
// The fences are shown around the page, never counted in it: positions, max_length and next_start_index count the
// body's own characters, so start_index=next still continues exactly where this page stopped. Pure.

import { FENCE_OPENER } from "./pre-block.js";

/** Lines added around one page: `before` it (a block open at its start), `after` it (one open at its end). */
export interface PageFences {
  before: string;
  after: string;
}

/**
 * Most characters either side of a page may get. A fence and its language are a few characters, but a hostile page's
 * could be thousands (`<code class="language-aaaa…">`, a code block of backticks), shown with every page however
 * small max_length: a block opened or cut with more is left as it is.
 */
export const MAX_FENCE_CHARS = 100;

/** A fenced block open at some point: its opening line, and the line that would close it. */
interface OpenFence {
  opener: string;
  closer: string;
}

/**
 * The fences to show around `text.slice(start, end)` (UTF-16 offsets). A fence opens at a FENCE_OPENER line and
 * closes at a line of the same backticks, as collapseBlankLines reads them. A cut inside a fence line completes it:
 * the page cut inside an opening line gets the rest of it (and is closed), and the page starting inside a closing
 * line gets the block opened and the first part of that line, so the rest of it closes the block rather than opening
 * a new one. Nothing is added at the body's own start or end, nor more than MAX_FENCE_CHARS either side. Linear in
 * `end`.
 */
export function pageFences(text: string, start: number, end: number): PageFences {
  const fences = { before: "", after: "" };
  let open: OpenFence | undefined;
  for (let at = 0; at <= end && at <= text.length; ) {
    const newline = text.indexOf("\n", at);
    const lineEnd = newline < 0 ? text.length : newline;
    const line = text.slice(at, lineEnd);
    const opening = open === undefined ? FENCE_OPENER.exec(line) : null;
    const closing = open !== undefined && line.trim() === open.closer.trim();
    const block = opening ? { opener: line, closer: `${opening[1]}${opening[2]}` } : open;
    // A block opened by a line too long to repeat on every page is left as it is, neither reopened nor closed.
    const shown = block === undefined || block.opener.length <= MAX_FENCE_CHARS;
    if (start > 0 && start >= at && start <= lineEnd && shown) {
      fences.before = bounded(beforeAt(text, start, at, lineEnd, open, !!opening, closing));
    }
    if (end < text.length && end >= at && end <= lineEnd) {
      if (shown) fences.after = bounded(afterAt(text, end, at, lineEnd, open, opening, closing));
      return fences;
    }
    open = opening ? block : closing ? undefined : open;
    at = lineEnd + 1;
  }
  return fences;
}

/** `fence`, or nothing when it is over MAX_FENCE_CHARS. */
function bounded(fence: string): string {
  return fence.length > MAX_FENCE_CHARS ? "" : fence;
}

/** What reopens the block `start` falls in: its opening line, or as much of it as precedes `start` on that line. */
function beforeAt(
  text: string,
  start: number,
  at: number,
  lineEnd: number,
  open: OpenFence | undefined,
  opening: boolean,
  closing: boolean,
): string {
  if (opening) return text.slice(at, start);
  if (open === undefined || (closing && start === lineEnd)) return "";
  // A cut inside the closing line (before its end): the next page shows the block opened and closed before the rest
  // of that line, which would otherwise open a new block.
  if (closing) return `${open.opener}\n${text.slice(at, start)}`;
  // A page starting at the newline that ends a line of code begins with that newline: it ends the fence line.
  return start === lineEnd && start > at ? open.opener : `${open.opener}\n`;
}

/** What closes the block `end` falls in: the rest of a fence line it cuts, then a closing line if still open. */
function afterAt(
  text: string,
  end: number,
  at: number,
  lineEnd: number,
  open: OpenFence | undefined,
  opening: RegExpExecArray | null,
  closing: boolean,
): string {
  if (opening && end > at) return `${text.slice(end, lineEnd)}\n${opening[1]}${opening[2]}`;
  if (closing && end > at) return text.slice(end, lineEnd);
  if (open === undefined) return "";
  return end > at ? `\n${open.closer}` : open.closer;
}
