// An edit in a minified bundle changes a few characters of one line hundreds of KiB long: its diff, cut at the reply
// cap, showed the start of the line twice and never the change. A diff too large to show whole has its long lines cut
// around what changed instead, so the change is what the model reads.

/** Characters of a long diff line kept: its changed part, and this much around it. */
export const DIFF_LINE_CHARS = 400;
/** Unchanged characters kept on each side of a change. */
const AROUND = 60;

/**
 * `diff` (a unified diff) with each line over DIFF_LINE_CHARS cut: a removed line and the added line it pairs with
 * (the n-th "-" and n-th "+" of a run) to the part where they differ and AROUND characters either side; any other long
 * line to its start. Each cut end is marked "…". Lines within the limit are kept as they are.
 */
export function cutLongDiffLines(diff: string): { text: string; cut: number } {
  const lines = diff.split("\n");
  let cut = 0;
  const shorten = (k: number, partner: string | undefined) => {
    const line = lines[k] as string;
    if (line.length <= DIFF_LINE_CHARS + 1) return;
    const body = line.slice(1);
    lines[k] = line[0] + (partner === undefined ? span(body, 0, DIFF_LINE_CHARS) : around(body, partner.slice(1)));
    cut++;
  };
  // The file names above the first hunk are headers; below it, a line "--- x" is the removed text "-- x".
  const firstHunk = lines.findIndex((line) => line.startsWith("@@"));
  for (let i = firstHunk === -1 ? lines.length : firstHunk; i < lines.length; ) {
    if (!isRemoved(lines[i])) {
      if (/^[ +]/.test(lines[i] ?? "")) shorten(i, undefined);
      i++;
      continue;
    }
    // A run of removed lines, then (past a "\ No newline at end of file") the added lines that replace them.
    const removed: number[] = [];
    for (; isRemoved(lines[i]); i++) removed.push(i);
    if (lines[i]?.startsWith("\\")) i++;
    const added: number[] = [];
    for (; lines[i]?.startsWith("+"); i++) added.push(i);
    const before = removed.map((k) => lines[k] as string);
    const after = added.map((k) => lines[k] as string);
    for (const [n, k] of removed.entries()) shorten(k, after[n]);
    for (const [n, k] of added.entries()) shorten(k, before[n]);
  }
  return { text: lines.join("\n"), cut };
}

function isRemoved(line: string | undefined): boolean {
  return line?.startsWith("-") === true;
}

/** `line` cut to where it differs from `other`, with AROUND characters either side (the changed part itself capped). */
function around(line: string, other: string): string {
  let prefix = 0;
  const most = Math.min(line.length, other.length);
  while (prefix < most && line.charCodeAt(prefix) === other.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < most - prefix &&
    line.charCodeAt(line.length - 1 - suffix) === other.charCodeAt(other.length - 1 - suffix)
  ) {
    suffix++;
  }
  const from = Math.max(0, prefix - AROUND);
  const to = Math.min(line.length, line.length - suffix + AROUND, from + DIFF_LINE_CHARS);
  return span(line, from, to);
}

/** line[from, to) without splitting a surrogate pair, each end that is not the line's own marked "…". */
function span(line: string, from: number, to: number): string {
  let start = from;
  let end = Math.min(to, line.length);
  if (start > 0 && isLowSurrogate(line.charCodeAt(start))) start--;
  if (end < line.length && isLowSurrogate(line.charCodeAt(end))) end--;
  return `${start > 0 ? "…" : ""}${line.slice(start, end)}${end < line.length ? "…" : ""}`;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
