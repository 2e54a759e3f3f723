import { createContext, Script } from "node:vm";
import type { Verdict } from "@mcp-toolkit/core";
import { type Budget, runSliced, SLICE_MS, SliceExceeded } from "./budget.js";
import { byteFinder } from "./byte-search.js";
import { requiredLiteral } from "./regex-literal.js";

/** A compiled content test, or why the pattern is refused. */
export type ContentMatcher = Verdict<{
  match: (line: string) => boolean;
  /**
   * False only when no line of the file with these UTF-8 bytes can match: a cheap byte search that lets a grep skip
   * decoding and splitting the files without a hit, which is nearly all of them.
   */
  mayMatch: (bytes: Buffer) => boolean;
  /**
   * 1-based numbers of the lines of `text` that match, found in stoppable slices: throws BudgetExceeded when the
   * call's time runs out, RegexTimeoutError when one line alone takes a whole slice.
   */
  lines: (text: string, budget: Budget) => Promise<number[]>;
}>;

/** Regex is only tried on this much of each line, bounding the cost of one test. */
const REGEX_LINE_CHARS = 4096;

/** A regex that backtracked for a whole slice on one line: no budget makes that pattern usable. */
export class RegexTimeoutError extends Error {
  override name = "RegexTimeoutError";
}

/**
 * Line numbers of `text` whose (cut) line passes `re`: lines split on "\n", no extra line after a final one. Resumes
 * at `st.start`; a line killed mid-test is tested again, so a hit is recorded only once.
 */
const SCAN = `(() => {
  while (st.start < text.length) {
    let end = text.indexOf("\\n", st.start);
    if (end === -1) end = text.length;
    const line = text.slice(st.start, end);
    if (re.test(line.length > max ? line.slice(0, max) : line) && out[out.length - 1] !== st.line) out.push(st.line);
    st.start = end + 1;
    st.line++;
    st.progress++;
  }
})()`;

/**
 * Compile search_files' `content`: plain text matches as a substring; `/source/flags` (flags from i, m,
 * s, u) is a regular expression, so "/usr/bin" stays plain text. Nested quantifiers like `(a+)+` are refused: they can backtrack for minutes.
 */
export function compileContentMatcher(content: string): ContentMatcher {
  if (content.length === 0) return { ok: false, reason: "empty; give text to find" };
  const literal = /^\/(.+)\/([imsu]*)$/s.exec(content);
  if (!literal) {
    const match = (line: string) => line.includes(content);
    const lines = async (text: string) => splitLines(text).flatMap((line, i) => (match(line) ? [i + 1] : []));
    // Text with U+FFFD can match where bad bytes were decoded to it, so only other text is searched for as bytes.
    const mayMatch = content.includes("\uFFFD") ? () => true : byteFinder(Buffer.from(content, "utf8"));
    return { ok: true, match, mayMatch, lines };
  }
  const [, source = "", flags = ""] = literal;
  if (/\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]/.test(source)) {
    return { ok: false, reason: "nested quantifiers such as (a+)+ can run forever; simplify the regex" };
  }
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch (error) {
    return { ok: false, reason: `invalid regex: ${(error as Error).message}` };
  }
  // A vm timeout interrupts the regex engine itself, which nothing else in JavaScript can.
  const sandbox = createContext({ re, max: REGEX_LINE_CHARS, text: "", out: [], st: {} });
  const scan = new Script(SCAN);
  // A file without the text every match holds is skipped unread, as plain text's are.
  const required = requiredLiteral(source, flags);
  return {
    ok: true,
    match: (line) => re.test(line.length > REGEX_LINE_CHARS ? line.slice(0, REGEX_LINE_CHARS) : line),
    mayMatch: required === undefined ? () => true : byteFinder(Buffer.from(required, "utf8")),
    lines: async (text, budget) => {
      const out: number[] = [];
      const st = { start: 0, line: 1, progress: 0 };
      Object.assign(sandbox, { text, out, st });
      try {
        await runSliced(scan, sandbox, st, budget);
        return out;
      } catch (error) {
        if (!(error instanceof SliceExceeded)) throw error;
        throw new RegexTimeoutError(
          `took over ${SLICE_MS} ms on line ${st.line} alone, so the search stopped; avoid repeating overlapping parts such as (a|a)* or a*a*, or search plain text`,
        );
      } finally {
        Object.assign(sandbox, { text: "", out: [] });
      }
    },
  };
}

function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split("\n");
  if (text.endsWith("\n")) lines.pop();
  return lines;
}
