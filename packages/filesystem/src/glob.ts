import { createContext, Script } from "node:vm";
import { type Budget, runSliced, SLICE_MS, SliceExceeded } from "./budget.js";
import { TIMEOUT_REFUSAL } from "./errors.js";
import { globProblem } from "./glob-policy.js";
import { quote } from "./path-policy.js";
import { ToolError } from "./sandbox.js";
import { quotedName } from "./shown-name.js";

/** One name met by a walk: its path relative to the walk's start, and its last component. */
export interface GlobItem {
  rel: string;
  name: string;
  /** A directory: a glob ending in "/" (`node_modules/`, as in .gitignore) matches only these. */
  dir?: boolean;
}

/** Compiled globs: which of a batch of names match, worked out in stoppable slices. */
export interface GlobMatcher {
  /** One answer per item; throws BudgetExceeded when the call's time runs out, ToolError when one name is too costly. */
  test(items: readonly GlobItem[], budget: Budget): Promise<boolean[]>;
}

// Bare patterns (no "/" but a last one) match the name or the whole relative path; the others match the relative
// path. A pattern that ended in "/" matches directories only.
const MATCH = `(() => {
  for (; st.progress < items.length; st.progress++) {
    const item = items[st.progress];
    out[st.progress] =
      bare.some((g) => (item.dir || !g.dirOnly) && (g.re.test(item.name) || g.re.test(item.rel))) ||
      full.some((g) => (item.dir || !g.dirOnly) && g.re.test(item.rel));
  }
})()`;

/**
 * The literal suffix (letters, digits, ".", "_", "-") of `*.ext`, of the same below `**`, of `*` or of `**`; undefined
 * for any other glob. With picomatch's `dot` (and `.` matching line terminators, as compiled below) these match exactly
 * the names that end in the suffix, so `endsWith` answers them in linear time, with no regex to bound and no vm slice to
 * start per directory (its watchdog thread is most of a grep's glob cost).
 */
export function suffixGlob(pattern: string): string | undefined {
  if (pattern === "**" || pattern === "**/*") return "";
  return /^(?:\*\*\/)?\*([\w.-]*)$/.exec(pattern)?.[1];
}

/**
 * Compile glob patterns (picomatch, loaded on first use), refusing those whose matching could run for minutes.
 * Case-sensitive, as names are on Linux; `nocase` ignores case (search_files' hint on a search that found nothing).
 */
export async function globMatcher(patterns: readonly string[], nocase = false): Promise<GlobMatcher> {
  if (nocase) return compiledMatcher(patterns, true);
  const suffixes = patterns.map(suffixGlob);
  if (!suffixes.every((suffix) => suffix !== undefined)) return compiledMatcher(patterns);
  return {
    async test(items) {
      return items.map((item) => suffixes.some((suffix) => item.name.endsWith(suffix)));
    },
  };
}

/** Globs as picomatch's regexes, refused when too costly, matched in vm slices. */
async function compiledMatcher(patterns: readonly string[], nocase = false): Promise<GlobMatcher> {
  const { default: picomatch } = await import("picomatch");
  const compiled = patterns.map((pattern) => {
    if (pattern === "") throw new ToolError('glob "": empty; give one such as * (every name) or **/*.md');
    // "dist/" names the directory dist, as in .gitignore: the relative paths matched never end in "/".
    const dirOnly = /[^/]\/+$/.test(pattern);
    const glob = dirOnly ? pattern.replace(/\/+$/, "") : pattern;
    let re: RegExp;
    try {
      // With the `s` flag, as picomatch's `.` and `(?=.)` otherwise skip line terminators: `**` passed over every path
      // holding one, so a file named "a\nb.txt" (legal, and a way to fake a listing's line) was missing from a search.
      const made = picomatch.makeRe(glob, { dot: true, nocase });
      re = new RegExp(made.source, `${made.flags}s`);
    } catch (error) {
      throw new ToolError(`glob ${quote(pattern)}: ${(error as Error).message}; use a shorter, simpler glob`);
    }
    const problem = globProblem(re.source);
    if (problem) throw new ToolError(`glob ${quote(pattern)}: ${problem}`);
    // V8 compiles a regex on its first run and again, to machine code, on its second: done here on "" (which cannot
    // backtrack), that work stays out of the matching slices, where thousands of excludes made a first call's first
    // name take over a slice and fail.
    re.test("");
    re.test("");
    return { glob, re, dirOnly };
  });
  const bare = compiled.filter((c) => !c.glob.includes("/"));
  const full = compiled.filter((c) => c.glob.includes("/"));
  const context = createContext({ bare, full, items: [], out: [], st: { progress: 0 } });
  const script = new Script(MATCH);
  return {
    async test(items, budget) {
      const out: boolean[] = [];
      const st = { progress: 0 };
      Object.assign(context, { items, out, st });
      try {
        await runSliced(script, context, st, budget);
      } catch (error) {
        if (!(error instanceof SliceExceeded)) throw error;
        const name = items[st.progress]?.rel ?? "";
        throw new ToolError(
          `${globsNamed(patterns)}: matching ${quotedName(name, 200)} took over ${SLICE_MS} ms; use a simpler glob`,
          TIMEOUT_REFUSAL,
        );
      } finally {
        Object.assign(context, { items: [], out: [] });
      }
      return out;
    },
  };
}

/** Bytes of quoted globs an error names before it only counts the rest. */
const NAMED_GLOBS = 200;

/** The globs an error is about: all of a few, or the first of many and how many there are (an error stays short). */
export function globsNamed(patterns: readonly string[]): string {
  const shown: string[] = [];
  let bytes = 0;
  for (const pattern of patterns) {
    const quoted = quote(pattern);
    if (shown.length > 0 && bytes + quoted.length > NAMED_GLOBS) break;
    shown.push(quoted);
    bytes += quoted.length + 2;
  }
  const rest = patterns.length - shown.length;
  const more = rest > 0 ? ` and ${rest} more (${patterns.length} in all)` : "";
  return `${patterns.length === 1 ? "glob" : "globs"} ${shown.join(", ")}${more}`;
}
