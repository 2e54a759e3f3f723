// Which globs are refused before they run: a backtracking regex engine can take minutes on one name for a glob with
// many repeating parts, or whose alternatives combine many ways. Pure: it reads only the compiled regex's source.

/** Most repeating parts a glob's regex may have: each multiplies the backtracking on a long name. */
export const MAX_GLOB_REPETITIONS = 3;
/**
 * Most ways a glob's alternatives ({a,b}, @(a|b), ?(a)) may combine. Each group multiplies what a failing match
 * retries: 30 groups of {?,?} meant 2^30 tries on one 40-character name (46 s).
 */
export const MAX_GLOB_ALTERNATIVES = 256;

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
