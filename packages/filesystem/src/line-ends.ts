// In a file whose lines end some CRLF and some LF (a CRLF file a tool appended to, a generated section), an edit
// that writes its new lines LF splits a CRLF region: git then shows every such line as changed. Each line an edit
// writes takes the line end of the line it replaces instead.

/** Whether `text` holds both CRLF and bare LF line ends. */
export function mixedLineEnds(text: string): boolean {
  return text.includes("\r\n") && /(^|[^\r])\n/.test(text);
}

/**
 * The line ends ("\r\n" or "\n") of the lines that `text[start, end)` touches, in order: those inside it and that of
 * the line it ends in. Where it touches only an unterminated last line, that of the line before it (its neighbour).
 */
export function replacedLineEnds(text: string, start: number, end: number): string[] {
  const ends: string[] = [];
  const endOf = (at: number) => (text[at - 1] === "\r" ? "\r\n" : "\n");
  for (let at = text.indexOf("\n", start); at !== -1 && at < end; at = text.indexOf("\n", at + 1)) ends.push(endOf(at));
  if (text[end - 1] !== "\n") {
    const next = text.indexOf("\n", end);
    if (next !== -1) ends.push(endOf(next));
  }
  if (ends.length === 0 && start > 0) {
    const before = text.lastIndexOf("\n", start - 1);
    if (before !== -1) ends.push(endOf(before));
  }
  return ends;
}

/**
 * `newText` with its k-th line end written as `ends[k]` (past the last, as the last): each new line ends as the line
 * it replaces. `crBefore`: the replaced text starts with the "\n" of a CRLF whose "\r" stays before it, so a line end
 * at the very start of newText is "\n" alone. Unchanged when `ends` is empty.
 */
export function withLineEnds(newText: string, ends: readonly string[], crBefore: boolean): string {
  if (ends.length === 0) return newText;
  let k = 0;
  return newText.replace(/\r?\n/g, (_, offset: number) => {
    const end = ends[Math.min(k++, ends.length - 1)] as string;
    return offset === 0 && crBefore ? "\n" : end;
  });
}
