import type { Verdict } from "@mcp-toolkit/core";
import { mixedLineEnds, replacedLineEnds, withLineEnds } from "./line-ends.js";
import { spacingTwin } from "./spacing-twin.js";
import { hasOtherForms } from "./unicode-twin.js";

/** One replacement: `oldText` must occur exactly once. */
export interface Edit {
  oldText: string;
  newText: string;
}

/** The edited text, or why the edits cannot apply (and then nothing is applied). */
export type EditResult = Verdict<{ text: string }>;

/**
 * Apply edits in order, each to the result of the previous one. An `oldText` that matches zero times
 * or more than once fails the whole set, naming the match count and lines. When the file uses CRLF
 * and the edit uses LF, the edit is matched with CRLF; in a file whose every line ends CRLF, new lines are written
 * CRLF too, so an edit never leaves the file with mixed endings. In a file with both, each line an edit writes ends
 * as the line it replaces (line-ends.ts); in an LF file newText is written as given.
 */
export function applyEdits(original: string, edits: readonly Edit[]): EditResult {
  let text = original;
  const crlfOnly = original.includes("\r\n") && !/(^|[^\r])\n/.test(original);
  const mixed = mixedLineEnds(original);
  for (const [i, edit] of edits.entries()) {
    const label = edits.length > 1 ? `edit ${i + 1}` : "edit";
    if (edit.oldText.length === 0) return { ok: false, reason: `${label}: oldText is empty; give text to replace` };
    let { oldText, newText } = edit;
    if (crlfOnly) {
      // Both sides, so an oldText starting "\nfoo" (which would match after a line's \r) takes that \r with it and
      // its newText's "\n" never follows the \r left behind ("\r\r\n").
      oldText = oldText.replace(/\r?\n/g, "\r\n");
      newText = newText.replace(/\r?\n/g, "\r\n");
    }
    let hits = matches(text, oldText);
    if (hits.length === 0 && text.includes("\r\n") && !oldText.includes("\r\n") && oldText.includes("\n")) {
      oldText = oldText.replace(/\n/g, "\r\n");
      newText = newText.replace(/\r?\n/g, "\r\n");
      hits = matches(text, oldText);
    }
    const where = i > 0 ? " (in the text after the earlier edits)" : "";
    if (hits.length === 0 && text.length === 0) {
      const empty = i > 0 ? "the earlier edits leave the text empty" : "the file is empty; write_file gives it content";
      return { ok: false, reason: `${label}: no oldText can match: ${empty}` };
    }
    if (hits.length === 0) {
      // The same letters in another Unicode form (an "é" composed in the edit, decomposed in the file) are other bytes.
      const otherForm =
        hasOtherForms(oldText) && text.normalize("NFC").includes(oldText.normalize("NFC"))
          ? "; the file has it with its accented letters in another Unicode form (NFC/NFD), so the bytes differ: copy oldText from read_file exactly"
          : "";
      return { ok: false, reason: `${label}: oldText not found${where}${otherForm || spacingHint(text, oldText)}` };
    }
    if (hits.length > 1) {
      // Several matches on one line name it once: a long line is one place to add context to.
      const lines = [...new Set(linesOf(text, hits))];
      // Counting stops at MATCH_CAP: past it, the count is a lower bound.
      const atLeast = hits.length >= MATCH_CAP ? "at least " : "";
      const more = lines.length > 10 ? ` and ${atLeast}${lines.length - 10} more` : "";
      const at = lines.length === 1 ? `line ${lines[0]}` : `lines ${joinAnd(lines.slice(0, 10).map(String))}${more}`;
      return {
        ok: false,
        reason: `${label}: ambiguous: ${atLeast}${hits.length} matches at ${at}${where}; add surrounding text so oldText matches once`,
      };
    }
    const at = hits[0] as number;
    if (mixed) {
      const crBefore = text[at] === "\n" && text[at - 1] === "\r";
      newText = withLineEnds(newText, replacedLineEnds(text, at, at + oldText.length), crBefore);
    }
    text = text.slice(0, at) + newText + text.slice(at + oldText.length);
  }
  return { ok: true, text };
}

/**
 * Where an oldText not found is, spelt with other spaces or tabs (or an invisible character more or less), and how the
 * file spells it; else where to look.
 */
function spacingHint(text: string, oldText: string): string {
  const twin = spacingTwin(text, oldText);
  if (twin === undefined) return "; read_file shows the current text (whitespace must match exactly)";
  const at = `line${twin.lines.length > 1 ? "s" : ""} ${joinAnd(twin.lines.map(String))}`;
  const first = twin.lines[0];
  const reads = twin.differs.line === first ? "which reads" : `where line ${twin.differs.line} reads`;
  if (!twin.differs.unseen) {
    return `; with spaces and tabs ignored it matches at ${at}, ${reads} ${twin.differs.text} (as JSON): copy its whitespace exactly`;
  }
  return `; with spaces, tabs and invisible characters ignored it matches at ${at}, ${reads} ${twin.differs.text} (as JSON; each \\u escape is a no-break space or other character read_file shows as a space or as nothing): copy it exactly, escapes included`;
}

/** Most matches counted for an ambiguous oldText. */
const MATCH_CAP = 1000;

/** Start offsets of every occurrence of `needle` (up to `cap`), overlapping ones included (they are ambiguous too). */
function matches(haystack: string, needle: string, cap = MATCH_CAP): number[] {
  const found: number[] = [];
  for (let at = haystack.indexOf(needle); at !== -1 && found.length < cap; at = haystack.indexOf(needle, at + 1)) {
    found.push(at);
  }
  return found;
}

/** 1-based line numbers of ascending character offsets, in one pass over the text. */
function linesOf(text: string, offsets: readonly number[]): number[] {
  let line = 1;
  let next = text.indexOf("\n");
  return offsets.map((offset) => {
    for (; next !== -1 && next < offset; next = text.indexOf("\n", next + 1)) line++;
    return line;
  });
}

/** 1-based line number of a character offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf("\n"); at !== -1 && at < offset; at = text.indexOf("\n", at + 1)) line++;
  return line;
}

function joinAnd(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
