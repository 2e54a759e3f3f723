import { createContext, Script } from "node:vm";
import { type Budget, runSliced, SLICE_MS, SliceExceeded } from "./budget.js";
import { TIMEOUT_REFUSAL } from "./errors.js";
import { quote } from "./path-policy.js";
import { ToolError } from "./sandbox.js";
import { quotedName } from "./shown-name.js";

/** Most repeating parts a glob's regex may have: each multiplies the backtracking on a long name. */
export const MAX_GLOB_REPETITIONS = 3;
/**
 * Most ways a glob's alternatives ({a,b}, @(a|b), ?(a)) may combine. Each group multiplies what a failing match
 * retries: 30 groups of {?,?} meant 2^30 tries on one 40-character name (46 s).
 */
export const MAX_GLOB_ALTERNATIVES = 256;

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
 * for any other glob. With picomatch's `dot` these match exactly the names that end in the suffix (paths with a line
 * terminator aside), so `endsWith` answers them in linear time, with no regex to bound and no vm slice to start per
 * directory (its watchdog thread is most of a grep's glob cost).
 */
export function suffixGlob(pattern: string): string | undefined {
  if (pattern === "**" || pattern === "**/*") return "";
  return /^(?:\*\*\/)?\*([\w.-]*)$/.exec(pattern)?.[1];
}

/**
 * Line terminators, which picomatch's `.` and `(?=.)` do not match: a `*` never takes a name that starts with one, nor
 * `**` a path that holds one. `endsWith` would, so such names (legal, if rare) are left to picomatch.
 */
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

/** Compile glob patterns (picomatch, loaded on first use), refusing those whose matching could run for minutes. */
export async function globMatcher(patterns: readonly string[]): Promise<GlobMatcher> {
  const suffixes = patterns.map(suffixGlob);
  if (!suffixes.every((suffix) => suffix !== undefined)) return compiledMatcher(patterns);
  let exact: Promise<GlobMatcher> | undefined;
  return {
    async test(items, budget) {
      const out = items.map((item) => suffixes.some((suffix) => item.name.endsWith(suffix)));
      const odd = items.flatMap((item, i) => (LINE_TERMINATOR.test(item.rel) ? [i] : []));
      if (odd.length === 0) return out;
      exact ??= compiledMatcher(patterns);
      const answers = await (await exact).test(
        odd.map((i) => items[i] as GlobItem),
        budget,
      );
      odd.forEach((i, k) => {
        out[i] = answers[k] ?? false;
      });
      return out;
    },
  };
}

/** Globs as picomatch's regexes, refused when too costly, matched in vm slices. */
async function compiledMatcher(patterns: readonly string[]): Promise<GlobMatcher> {
  const { default: picomatch } = await import("picomatch");
  const compiled = patterns.map((pattern) => {
    if (pattern === "") throw new ToolError('glob "": empty; give one such as * (every name) or **/*.md');
    // "dist/" names the directory dist, as in .gitignore: the relative paths matched never end in "/".
    const dirOnly = /[^/]\/+$/.test(pattern);
    const glob = dirOnly ? pattern.replace(/\/+$/, "") : pattern;
    let re: RegExp;
    try {
      re = picomatch.makeRe(glob, { dot: true });
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

/** Why a glob's compiled regex could backtrack for too long on one name, or undefined if it cannot. */
export function globProblem(source: string): string | undefined {
  if (repetitions(source) > MAX_GLOB_REPETITIONS) {
    return `more than ${MAX_GLOB_REPETITIONS} wildcards that repeat (* ** *(…) +(…)) can make matching one name run for minutes; use fewer, e.g. *foo*bar*`;
  }
  const ways = alternatives(source);
  if (ways === Number.POSITIVE_INFINITY) {
    return "a repeated group of alternatives (*(a|b), +(a|b)) can make matching one name run for minutes; list the names with {a,b} or use *";
  }
  if (ways > MAX_GLOB_ALTERNATIVES) {
    return `its alternatives ({a,b}, @(a|b), ?(…)) combine ${ways > 1e9 ? "over a billion" : ways} ways, over the ${MAX_GLOB_ALTERNATIVES} allowed; use fewer groups, or several searches`;
  }
  return undefined;
}

/** How many unbounded quantifiers (* + {n,}) a regex source has, outside escapes and character classes. */
export function repetitions(source: string): number {
  let count = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "*" || c === "+" || (c === "{" && /^\{\d+,\}/.test(source.slice(i, i + 12)))) count++;
  }
  return count;
}

/**
 * How many ways a regex's alternations and optional parts can split one string: the product along a sequence of
 * each group's branch total. A backtracking engine may try every one of them on a name that fails. A repeated group
 * with more than one way is unbounded (Infinity). Lookarounds count once: the engine never re-enters them.
 */
export function alternatives(source: string): number {
  let i = 0;
  const branches = (): number => {
    let sum = sequence();
    while (source[i] === "|") {
      i++;
      sum += sequence();
    }
    return sum;
  };
  const sequence = (): number => {
    let product = 1;
    while (i < source.length && source[i] !== ")" && source[i] !== "|") {
      let ways = 1;
      const c = source[i];
      if (c === "\\") i += 2;
      else if (c === "[") {
        i++;
        if (source[i] === "^") i++;
        if (source[i] === "]") i++;
        while (i < source.length && source[i] !== "]") i += source[i] === "\\" ? 2 : 1;
        i++;
      } else if (c === "(") {
        const look = /^\(\?<?[=!]/.exec(source.slice(i, i + 4));
        const head = look ?? /^\(\?(?::|<[^>]*>)/.exec(source.slice(i, i + 40));
        i += head ? head[0].length : 1;
        const inner = branches();
        i++; // ")"
        ways = look ? 1 : inner;
      } else i++;
      const q = /^(?:[*+]|\?|\{(\d+)(?:(,)(\d*))?\})\??/.exec(source.slice(i, i + 24));
      if (q) {
        i += q[0].length;
        const [all, lo, comma, hi] = q;
        if (all.startsWith("?")) ways += 1;
        else if (all.startsWith("*") || all.startsWith("+") || (comma && !hi)) {
          if (ways > 1) ways = Number.POSITIVE_INFINITY;
        } else {
          const min = Number(lo);
          const max = comma ? Number(hi) : min;
          ways = ways ** max * (max - min + 1);
        }
      }
      product *= ways;
    }
    return product;
  };
  return branches();
}
