/**
 * Where the parts of a regex's source end: groups, classes, escapes, and the alternatives at its top. Pure; each
 * answer is an index or a slice of the source, undefined or -1 where the source is not closed.
 */

/** Escapes of one letter and nothing after it: a class or a control character, never a literal of the source. */
const SHORT_ESCAPES = "bBdDwWsSnrtfv";

/** The alternatives of `source`, split at each `|` outside groups, classes and escapes; undefined if one is unclosed. */
export function splitAlternatives(source: string): string[] | undefined {
  const branches: string[] = [];
  let from = 0;
  for (let i = 0; i < source.length; ) {
    const c = source[i];
    if (c === "\\") i += 2;
    else if (c === "(" || c === "[") {
      i = c === "(" ? skipGroup(source, i) : skipClass(source, i);
      if (i === -1) return undefined;
    } else {
      if (c === "|") {
        branches.push(source.slice(from, i));
        from = i + 1;
      }
      i++;
    }
  }
  branches.push(source.slice(from));
  return branches;
}

/** What a group that takes part in the match holds, `(…)`, `(?:…)` or `(?<name>…)`; undefined for a lookaround. */
export function groupBody(group: string): string | undefined {
  const open = /^\((?!\?)|^\(\?:|^\(\?<(?![=!])[^>]*>/.exec(group);
  return open ? group.slice(open[0].length, -1) : undefined;
}

/** Index just after the group opening at `start`, or -1 when it is not closed. */
export function skipGroup(source: string, start: number): number {
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
export function skipClass(source: string, start: number): number {
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
export function skipEscape(source: string, start: number): number {
  const letter = source[start + 1] ?? "";
  let i = start + 2;
  if (SHORT_ESCAPES.includes(letter) || !/^[A-Za-z0-9_]$/.test(letter)) return i;
  while (i < source.length && /[A-Za-z0-9_]/.test(source[i] as string)) i++;
  const payload = /\{[\w=]*\}|<[^()[\]|<>]*>/y;
  payload.lastIndex = i;
  return payload.test(source) ? payload.lastIndex : i;
}
