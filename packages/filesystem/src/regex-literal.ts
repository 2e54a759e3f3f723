/**
 * A literal that every match of a regex must contain, so a grep can skip, by a byte search, the files without it.
 * Pure and deliberately conservative: it reads only the top level of the source, and gives up (undefined) wherever
 * a literal might not be required. Wrong here means missed hits, so anything unsure breaks the run: alternation at
 * the top, the i flag, classes, groups (lookarounds included), escapes other than escaped punctuation, a character
 * before any quantifier ({0} and ? make it optional), non-ASCII that is a surrogate or U+FFFD (decoded bad bytes).
 * The v flag gives none at all: its classes nest (`[[a]b]`), which the class reader here would end too early.
 */

/** Escapes of one letter and nothing after it: a class or a control character, never a literal of the source. */
const SHORT_ESCAPES = "bBdDwWsSnrtfv";

/** The longest run of characters every match of `/source/flags` contains, or undefined when none can be proven. */
export function requiredLiteral(source: string, flags: string): string | undefined {
  if (flags.includes("i") || flags.includes("v")) return undefined;
  const runs: string[] = [];
  let run = "";
  const end = () => {
    runs.push(run);
    run = "";
  };
  for (let i = 0; i < source.length; ) {
    const c = source[i] as string;
    if (c === "|") return undefined;
    if (c === "(") {
      const close = skipGroup(source, i);
      if (close === -1) return undefined;
      end();
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
  const longest = runs.reduce((a, b) => (b.length > a.length ? b : a), "");
  return longest.length > 0 ? longest : undefined;
}

/** A character whose UTF-8 bytes are in a file whenever its decoded text holds it. */
function plain(c: string): boolean {
  const code = c.charCodeAt(0);
  return !(code >= 0xd800 && code <= 0xdfff) && code !== 0xfffd;
}

/** Index just after the group opening at `start`, or -1 when it is not closed. */
function skipGroup(source: string, start: number): number {
  let depth = 0;
  for (let i = start; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (c === "[") {
      const close = skipClass(source, i);
      if (close === -1) return -1;
      i = close - 1;
    } else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i + 1;
  }
  return -1;
}

/** Index just after the class opening at `start` (`[]` is empty, `[^]` any character), or -1 when not closed. */
function skipClass(source: string, start: number): number {
  let i = start + 1;
  if (source[i] === "^") i++;
  for (; i < source.length; i++) {
    if (source[i] === "\\") i++;
    else if (source[i] === "]") return i + 1;
  }
  return -1;
}

/**
 * Index after the escape at `start`, payload included: \x41, \u{1F600}, \p{L}, \k<name>, \12 and the like are
 * skipped whole (over-skipping a few letters costs only a shorter literal, never a wrong one). A payload never holds
 * a group, class or `|`: where `{…}` or `<…>` would, as in /\k<[>abc]/, the escape is an identity one (\k is k, no
 * named group being defined) and what follows is pattern, whose class must not be read as text.
 */
function skipEscape(source: string, start: number): number {
  const letter = source[start + 1] ?? "";
  let i = start + 2;
  if (SHORT_ESCAPES.includes(letter) || !/^[A-Za-z0-9_]$/.test(letter)) return i;
  while (i < source.length && /[A-Za-z0-9_]/.test(source[i] as string)) i++;
  const payload = /\{[\w=]*\}|<[^()[\]|<>]*>/y;
  payload.lastIndex = i;
  return payload.test(source) ? payload.lastIndex : i;
}

/**
 * Under the i flag, the literal every match holds up to ASCII case, when it is all ASCII: without the u flag an ASCII
 * letter matches only its ASCII other case. With u it is refused, since case folding then matches k to the Kelvin
 * sign and s to the long s (as with v). Compare it with a case-blind byte search, never an exact one.
 */
export function caselessLiteral(source: string, flags: string): string | undefined {
  if (!flags.includes("i") || flags.includes("u") || flags.includes("v")) return undefined;
  const literal = requiredLiteral(source, flags.replace("i", ""));
  return literal !== undefined && [...literal].every((c) => c.charCodeAt(0) < 0x80) ? literal : undefined;
}
