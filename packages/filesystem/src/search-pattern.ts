import { createContext, Script } from "node:vm";
import type { Verdict } from "@mcp-toolkit/core";
import { type Budget, BudgetExceeded, runSliced, SLICE_MS, SliceExceeded } from "./budget.js";
import { anyFinder, byteFinder, caselessFinder } from "./byte-search.js";
import { caselessLiterals, requiredLiterals } from "./regex-literal.js";

/** The hits of each text a batch finished, in order, and what stopped it before the rest, if anything did. */
export interface BatchLines {
  hits: number[][];
  /**
   * Where the first match of each hit's line starts (at[i][k] for hits[i][k], in the line as tested), so a long line
   * is shown around it: found by the same test, never by running a regex again outside its time limit.
   */
  at: number[][];
  /**
   * Lines of each text longer than a regex is tried on that had no match in the part tried: a match further on is
   * not seen, and the caller says so rather than answering "no match". Always empty for plain text, which sees all.
   */
  cut: number[][];
  stopped?: BudgetExceeded | RegexTimeoutError;
}

/** A compiled content test, or why the pattern is refused. */
export type ContentMatcher = Verdict<{
  match: (line: string) => boolean;
  /**
   * False only when no line of the file with these UTF-8 bytes can match: a cheap byte search that lets a grep skip
   * decoding and splitting the files without a hit, which is nearly all of them.
   */
  mayMatch: (bytes: Buffer) => boolean;
  /**
   * 1-based numbers of the matching lines of each text, found for many texts in one run of stoppable slices (a
   * regex's vm timeout costs about 0.1 ms to arm, more than a 10 KB file takes to scan). Never throws for the
   * budget or a slow line: it returns the texts finished before either, and the BudgetExceeded or
   * RegexTimeoutError that stopped it.
   */
  batchLines: (texts: readonly string[], budget: Budget, onLines?: LinesDone) => Promise<BatchLines>;
}>;

/** Told the lines of a batch tested so far (all its texts together), while a long batch runs and when it ends. */
export type LinesDone = (lines: number) => void;

/** Regex is only tried on this much of each line, bounding the cost of one test. */
export const REGEX_LINE_CHARS = 4096;

/** A regex that backtracked for a whole slice on one line: no budget makes that pattern usable. */
export class RegexTimeoutError extends Error {
  override name = "RegexTimeoutError";
}

/**
 * Line numbers of each text whose (cut) line matches `re`, and where in it the first match starts: lines split on
 * "\n" (a "\r" before it is not part of the line, so /x$/ finds "x" in CRLF text), no extra line after a final one.
 * Resumes where `st` says; a line (or a text) killed mid-test is tested again, so a hit is recorded only once. Defined
 * once in the context and called with its arguments, so V8 optimizes it as any hot function, where a script's own
 * top-level code reaching the context's globals runs several times slower.
 */
const SCAN = `function scan(re, max, texts, outs, ats, cuts, st) {
  while (st.file < texts.length) {
    const text = texts[st.file];
    const out = outs[st.file];
    const at = ats[st.file];
    const cut = cuts[st.file];
    while (st.start < text.length) {
      let end = text.indexOf("\\n", st.start);
      if (end === -1) end = text.length;
      const line = text.slice(st.start, end > st.start && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
      const found = re.exec(line.length > max ? line.slice(0, max) : line);
      if (found !== null && !(out[out.length - 1] >= st.line)) {
        out.push(st.line);
        at.push(found.index);
      } else if (found === null && line.length > max && !(cut[cut.length - 1] >= st.line)) {
        cut.push(st.line);
      }
      st.start = end + 1;
      st.line++;
      st.progress++;
    }
    st.start = 0;
    st.line = 1;
    st.file++;
  }
}`;

/**
 * Compile search_files' `content`: `/source/flags` whose flags are only JavaScript's flag letters is a regular
 * expression, refused when a flag is not one of i, m, s, u; anything else is plain text matched as a substring, so
 * "/usr/bin" and "/usr/bin/env" stay plain text. Nested quantifiers like `(a+)+` are refused: they can backtrack for
 * minutes.
 */
export function compileContentMatcher(content: string): ContentMatcher {
  if (content.length === 0) return { ok: false, reason: "empty; give text to find" };
  const literal = /^\/(.+)\/([dgimsuvy]*)$/s.exec(content);
  const refused = literal ? flagProblem(content, literal[2] ?? "") : undefined;
  if (refused) return { ok: false, reason: refused };
  if (!literal) {
    const match = (line: string) => line.includes(content);
    const batchLines = async (texts: readonly string[], _budget: Budget, onLines?: LinesDone) => {
      const found: BatchLines = { hits: [], at: [], cut: [] };
      let tested = 0;
      for (const text of texts) {
        const hits: number[] = [];
        const at: number[] = [];
        const lines = splitLines(text);
        lines.forEach((line, i) => {
          const index = line.indexOf(content);
          if (index === -1) return;
          hits.push(i + 1);
          at.push(index);
        });
        tested += lines.length;
        found.hits.push(hits);
        found.at.push(at);
        found.cut.push([]);
      }
      onLines?.(tested);
      return found;
    };
    // Text with U+FFFD can match where bad bytes were decoded to it, so only other text is searched for as bytes.
    const mayMatch = content.includes("\uFFFD") ? () => true : byteFinder(Buffer.from(content, "utf8"));
    return { ok: true, match, mayMatch, batchLines };
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
  const sandbox = createContext({ job: undefined });
  new Script(SCAN).runInContext(sandbox);
  const call = new Script("scan(job.re, job.max, job.texts, job.outs, job.ats, job.cuts, job.st)");
  const batchLines = async (texts: readonly string[], budget: Budget, onLines?: LinesDone): Promise<BatchLines> => {
    const outs = texts.map((): number[] => []);
    const ats = texts.map((): number[] => []);
    const cuts = texts.map((): number[] => []);
    const st = { file: 0, start: 0, line: 1, progress: 0 };
    sandbox.job = { re, max: REGEX_LINE_CHARS, texts, outs, ats, cuts, st };
    const tested = onLines && (() => onLines(st.progress));
    try {
      await runSliced(call, sandbox, st, budget, tested);
      return { hits: outs, at: ats, cut: cuts };
    } catch (error) {
      const hits = outs.slice(0, st.file);
      const at = ats.slice(0, st.file);
      const cut = cuts.slice(0, st.file);
      if (error instanceof BudgetExceeded) return { hits, at, cut, stopped: error };
      if (!(error instanceof SliceExceeded)) throw error;
      const message = `took over ${SLICE_MS} ms on line ${st.line} alone, so the search stopped; avoid repeating overlapping parts such as (a|a)* or a*a*, or search plain text`;
      return { hits, at, cut, stopped: new RegexTimeoutError(message) };
    } finally {
      sandbox.job = undefined;
      tested?.();
    }
  };
  // A file without any of the texts every match holds one of (up to case under i) is skipped unread, as plain
  // text's are.
  const required = requiredLiterals(source, flags);
  const caseless = caselessLiterals(source, flags);
  return {
    ok: true,
    match: (line) => re.test(line.length > REGEX_LINE_CHARS ? line.slice(0, REGEX_LINE_CHARS) : line),
    mayMatch:
      required !== undefined
        ? anyFinder(required.map((literal) => byteFinder(Buffer.from(literal, "utf8"))))
        : caseless !== undefined
          ? anyFinder(caseless.map(caselessFinder))
          : () => true,
    batchLines,
  };
}

/** Why a regex's flags are refused: a flag JavaScript has that a per-line test cannot honour. */
function flagProblem(content: string, flags: string): string | undefined {
  const unsupported = [...new Set(flags)].filter((flag) => !"imsu".includes(flag));
  if (unsupported.length === 0) return undefined;
  const stateful = unsupported.some((flag) => flag === "g" || flag === "y")
    ? " (g and y make no sense here: each line is tested on its own, from its start)"
    : "";
  const escaped = `/${content.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}/`;
  return `regex flag${unsupported.length > 1 ? "s" : ""} ${unsupported.join(", ")} not supported${stateful}; use i, m, s, u, or none. To find this text itself, search for ${escaped}`;
}

/** Lines as the regex scan sees them: split on "\n" or "\r\n", no extra line after a final one. */
function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split(/\r?\n/);
  if (text.endsWith("\n")) lines.pop();
  return lines;
}
