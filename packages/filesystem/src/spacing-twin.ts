// A model often retypes code with other indentation (spaces for a file's tabs) or without a line's trailing spaces,
// and an exact edit then finds nothing. The edit stays exact, but the refusal says where the text is and how that
// line is really spelt, so the next try can copy it. Text pasted from the web or a word processor holds spaces that are
// not U+0020 (a no-break space) and characters that show as nothing (a zero-width space, a soft hyphen): read_file
// shows them as a space or not at all, so a model cannot type them until the line is shown with them escaped.

import { quotedName } from "./shown-name.js";

/** Lines named at most. */
const MAX_LINES = 3;
/** Characters of the file's line shown at most. */
const MAX_SHOWN = 120;

/** Characters that show as nothing: zero-width space, non-joiner and joiner, word joiner, soft hyphen, U+FEFF. */
const INVISIBLE = /[\u200b-\u200d\u2060\u00ad\ufeff]/g;
/** Spaces that are not U+0020 (no-break, thin, ideographic, …) and the invisible characters, each escaped when shown. */
const UNSEEN = /[\u00a0\u1680\u2000-\u200d\u202f\u205f\u2060\u3000\u00ad\ufeff]/g;

/**
 * Each line trimmed, its invisible characters dropped and its runs of whitespace (Unicode's, so a no-break space too)
 * made one space; the line count (so line numbers) is kept.
 */
function loose(text: string): string {
  return text
    .split("\n")
    .map((line) => line.replace(INVISIBLE, "").replace(/\s+/g, " ").trim())
    .join("\n");
}

/**
 * Where `oldText` is in `text` when whitespace and invisible characters are not compared, and the first line there
 * that differs from oldText's, as JSON (its tabs and trailing spaces visible, and other spaces and invisible characters
 * escaped: then `unseen`); undefined when it is not there that way either, or when it is only whitespace.
 */
export function spacingTwin(
  text: string,
  oldText: string,
): { lines: number[]; differs: { line: number; text: string; unseen: boolean } } | undefined {
  const trimmed = oldText.replace(/^[ \t]*\r?\n|\r?\n[ \t]*$/g, "");
  const wanted = loose(trimmed);
  if (wanted.trim().length === 0) return undefined;
  const haystack = loose(text);
  const lines: number[] = [];
  let line = 1;
  let counted = 0;
  for (let at = haystack.indexOf(wanted); at !== -1 && lines.length < MAX_LINES; ) {
    for (let nl = haystack.indexOf("\n", counted); nl !== -1 && nl < at; nl = haystack.indexOf("\n", nl + 1)) {
      line++;
      counted = nl + 1;
    }
    lines.push(line);
    // The next match after this line: several on one line name it once.
    const next = haystack.indexOf("\n", at);
    at = next === -1 ? -1 : haystack.indexOf(wanted, next + 1);
  }
  const start = lines[0];
  if (start === undefined) return undefined;
  const mine = trimmed.split(/\r?\n/);
  const theirs = text.split("\n", start + mine.length - 1).slice(start - 1);
  const i = Math.max(
    0,
    mine.findIndex((part, k) => !sameSpelling(theirs[k]?.replace(/\r$/, "") ?? "", part, k, mine.length)),
  );
  const raw = theirs[i]?.replace(/\r$/, "") ?? "";
  const quoted = quotedName(raw, MAX_SHOWN);
  const shown = quoted.replace(UNSEEN, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return { lines, differs: { line: start + i, text: shown, unseen: shown !== quoted } };
}

/** Whether the file's line holds oldText's k-th of n lines as typed: its first may be a line's end, its last a start. */
function sameSpelling(theirs: string, mine: string, k: number, n: number): boolean {
  if (n === 1) return theirs.includes(mine);
  if (k === 0) return theirs.endsWith(mine);
  if (k === n - 1) return theirs.startsWith(mine);
  return theirs === mine;
}
