import { createContext, Script } from "node:vm";
import type { Verdict } from "@mcp-toolkit/core";

/** A compiled content test, or why the pattern is refused. */
export type ContentMatcher = Verdict<{
  match: (line: string) => boolean;
  /** 1-based numbers of the lines of `text` that match; throws TimeoutError past the per-file time limit. */
  lines: (text: string) => number[];
}>;

/** Regex is only tried on this much of each line, bounding the cost of one test. */
const REGEX_LINE_CHARS = 4096;
/** Longest a regex may spend on one file: backtracking a syntax check misses ((a|a)*$, a*a*a*b) is stopped here. */
export const REGEX_FILE_MS = 1000;

/** A regex that ran past REGEX_FILE_MS on one file. */
export class RegexTimeoutError extends Error {
  override name = "RegexTimeoutError";
}

/** Line numbers of `text` whose (cut) line passes `test`: lines split on "\n", no extra line after a final one. */
const SCAN = `(() => {
  const out = [];
  for (let start = 0, n = 1; start < text.length; n++) {
    let end = text.indexOf("\\n", start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    if (re.test(line.length > max ? line.slice(0, max) : line)) out.push(n);
    start = end + 1;
  }
  return out;
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
    return { ok: true, match, lines: (text) => splitLines(text).flatMap((line, i) => (match(line) ? [i + 1] : [])) };
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
  const sandbox = createContext({ re, max: REGEX_LINE_CHARS, text: "" });
  const scan = new Script(SCAN);
  return {
    ok: true,
    match: (line) => re.test(line.length > REGEX_LINE_CHARS ? line.slice(0, REGEX_LINE_CHARS) : line),
    lines: (text) => {
      sandbox.text = text;
      try {
        return Array.from(scan.runInContext(sandbox, { timeout: REGEX_FILE_MS }) as number[]);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
          throw new RegexTimeoutError(
            `ran over ${REGEX_FILE_MS} ms on one file, so the search stopped; avoid repeating overlapping parts such as (a|a)* or a*a*, or search plain text`,
          );
        }
        throw error;
      } finally {
        sandbox.text = "";
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
