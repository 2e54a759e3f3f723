/**
 * Literals of which every match of a regex must contain one, so a grep can skip, by byte searches, the files with
 * none. Pure and deliberately conservative: it gives up (undefined) wherever a literal might not be required. Wrong
 * here means missed hits, so anything unsure breaks a run of text: the i flag, classes, lookarounds, quantified
 * groups, escapes other than escaped punctuation, a character before any quantifier ({0} and ? make it optional),
 * non-ASCII that is a surrogate or U+FFFD (decoded bad bytes). Alternation gives one literal per alternative, or none
 * if one alternative has none; a group every match passes through (not a lookaround, not quantified) is read the
 * same way. The v flag gives none at all: its classes nest (`[[a]b]`), which the class reader here would end too early.
 */

import { groupBody, skipClass, skipEscape, skipGroup, splitAlternatives } from "./regex-source.js";

/**
 * Most literals claimed for one regex, as each is one more byte search of every file skipped. More alternatives than
 * this give none. Measured on the bench tree, whose every line holds every lower-case letter (the byte searches'
 * worst case): 8 lower-case words took about 15% less CPU per search_files call than no prefilter, 16 about 10% more.
 */
export const MAX_LITERALS = 8;

/**
 * Literals this long already rule out most files, so past it one search fewer is worth more than a longer literal:
 * /(?:error|warn)ing/ searches for "ing" alone (measured a little faster than "error" and "warn").
 */
const SELECTIVE_LENGTH = 3;

/** Groups are read into this deep at most, bounding the rescans of nested source; deeper ones are skipped unread. */
const MAX_DEPTH = 4;

/** Literals of which every match of `/source/flags` contains at least one, or undefined when none can be proven. */
export function requiredLiterals(source: string, flags: string): string[] | undefined {
  if (flags.includes("i") || flags.includes("v")) return undefined;
  return eachAlternative(source, 0);
}

/** One literal set per alternative of `source` merged, or undefined when one has none or they are too many. */
function eachAlternative(source: string, depth: number): string[] | undefined {
  const branches = splitAlternatives(source);
  if (branches === undefined) return undefined;
  const literals: string[] = [];
  for (const branch of branches) {
    const found = sequenceLiterals(branch, depth);
    if (found === undefined) return undefined;
    literals.push(...found);
    if (literals.length > MAX_LITERALS) return undefined;
  }
  return withoutRedundant(literals, (literal) => literal);
}

/**
 * `literals` without repeats and without any that holds another (a text holding "foobar" holds "foo"), as `key`
 * compares them; the first spelling of each is kept.
 */
function withoutRedundant(literals: readonly string[], key: (literal: string) => string): string[] {
  const unique: string[] = [];
  for (const literal of literals) if (!unique.some((kept) => key(kept) === key(literal))) unique.push(literal);
  return unique.filter((literal) => !unique.some((other) => other !== literal && key(literal).includes(key(other))));
}

/**
 * The best literal set of one alternative (no `|` at its top): a run of text, or a required group's set. Best is the
 * one whose shortest literal is longest up to SELECTIVE_LENGTH, then the one with fewer literals, then the longer.
 */
function sequenceLiterals(source: string, depth: number): string[] | undefined {
  const sets: string[][] = [];
  let run = "";
  const end = () => {
    if (run.length > 0) sets.push([run]);
    run = "";
  };
  for (let i = 0; i < source.length; ) {
    const c = source[i] as string;
    if (c === "(") {
      const close = skipGroup(source, i);
      if (close === -1) return undefined;
      end();
      // A quantifier may repeat the group zero times; even {1} is left unread, as being sure costs more than it wins.
      const quantified = close < source.length && "*+?{".includes(source[close] as string);
      const body = depth < MAX_DEPTH && !quantified ? groupBody(source.slice(i, close)) : undefined;
      const inner = body === undefined ? undefined : eachAlternative(body, depth + 1);
      if (inner !== undefined) sets.push(inner);
      i = close;
    } else if (c === "[") {
      const close = skipClass(source, i);
      if (close === -1) return undefined;
      end();
      i = close;
    } else if (c === "*" || c === "+" || c === "?" || c === "{") {
      // The quantified atom may occur zero times ({0}, ?, *), so the character before it is not required.
      run = run.slice(0, -1);
      end();
      const bounds = c === "{" ? /^\{\d+(?:,\d*)?\}/.exec(source.slice(i)) : null;
      i += bounds ? bounds[0].length : 1;
    } else if (c === "\\") {
      const next = source[i + 1] ?? "";
      if (/^[!-/:-@[-`{-~]$/.test(next)) {
        run += next;
        i += 2;
      } else {
        end();
        i = skipEscape(source, i);
      }
    } else if (c === "." || c === "^" || c === "$" || c === "}" || c === ")" || c === "]" || !plain(c)) {
      end();
      i++;
    } else {
      run += c;
      i++;
    }
  }
  end();
  return sets.reduce<string[] | undefined>(
    (best, set) => (best === undefined || better(set, best) ? set : best),
    undefined,
  );
}

/** Whether literal set `a` is a better prefilter than `b`: see sequenceLiterals. */
function better(a: string[], b: string[]): boolean {
  const shortest = (set: string[]) => Math.min(...set.map((literal) => literal.length));
  const capped = (set: string[]) => Math.min(shortest(set), SELECTIVE_LENGTH);
  if (capped(a) !== capped(b)) return capped(a) > capped(b);
  return a.length !== b.length ? a.length < b.length : shortest(a) > shortest(b);
}

/** A character whose UTF-8 bytes are in a file whenever its decoded text holds it. */
function plain(c: string): boolean {
  const code = c.charCodeAt(0);
  return !(code >= 0xd800 && code <= 0xdfff) && code !== 0xfffd;
}

/**
 * Under the i flag, the literals every match holds one of up to ASCII case, when all are ASCII: without the u flag
 * an ASCII letter matches only its ASCII other case. With u it is refused, since case folding then matches k to the
 * Kelvin sign and s to the long s (as with v). Compare them with case-blind byte searches, never exact ones.
 */
export function caselessLiterals(source: string, flags: string): string[] | undefined {
  if (!flags.includes("i") || flags.includes("u") || flags.includes("v")) return undefined;
  const literals = requiredLiterals(source, flags.replace("i", ""));
  if (!literals?.every((literal) => [...literal].every((c) => c.charCodeAt(0) < 0x80))) return undefined;
  // Searched case-blind, "foo" and "FOO" are one search.
  return withoutRedundant(literals, (literal) => literal.toLowerCase());
}
