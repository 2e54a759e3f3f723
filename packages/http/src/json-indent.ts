// Pretty-prints JSON text without parsing its values: JSON.parse then JSON.stringify would round 64-bit IDs
// (1234567890123456789 → 1234567890123456800), turn 1e400 into null, -0 into 0, and drop duplicate keys.
// Here only whitespace between tokens changes; strings and numbers stay exactly as the upstream wrote them.
// Pure: text in, text out.

/**
 * Indentation grows with depth on every line, so deep nesting grows the text with the square of its size: 40 KB of
 * `[[[…]]]` would indent to gigabytes. Past this many spaces per source character (plus a little for small texts),
 * the text is not re-indented.
 */
const MAX_SPACES_PER_CHAR = 8;
const SPACES_SLACK = 64 * 1024;

/**
 * The JSON text re-indented by `indent` spaces (the layout of JSON.stringify(value, null, indent)), or undefined
 * when it is not JSON, or nested so deep that indenting it would multiply its size. Validity is JSON.parse's
 * verdict; its result is discarded.
 */
export function indentJson(source: string, indent = 2): string | undefined {
  try {
    JSON.parse(source);
  } catch {
    return undefined;
  }
  const out: string[] = [];
  let depth = 0;
  let spaces = 0;
  const budget = MAX_SPACES_PER_CHAR * source.length + SPACES_SLACK;
  const newline = () => {
    spaces += depth * indent;
    return `\n${" ".repeat(depth * indent)}`;
  };
  for (let i = 0; i < source.length; i++) {
    const char = source.charAt(i);
    if (char === '"') {
      const end = stringEnd(source, i);
      out.push(source.slice(i, end));
      i = end - 1;
    } else if (char === "{" || char === "[") {
      const next = nextToken(source, i + 1);
      if (source.charAt(next) === (char === "{" ? "}" : "]")) {
        // An empty object or array stays on one line, as JSON.stringify writes it.
        out.push(char, source.charAt(next));
        i = next;
      } else {
        depth++;
        out.push(char, newline());
      }
    } else if (char === "}" || char === "]") {
      depth--;
      out.push(newline(), char);
    } else if (char === ",") {
      out.push(",", newline());
    } else if (char === ":") {
      out.push(": ");
    } else if (!isJsonSpace(char)) {
      out.push(char);
    }
    if (spaces > budget) return undefined;
  }
  return out.join("");
}

/** The index just past the string literal starting at `start` (the text is known to be valid JSON). */
function stringEnd(source: string, start: number): number {
  let i = start + 1;
  while (source.charAt(i) !== '"') i += source.charAt(i) === "\\" ? 2 : 1;
  return i + 1;
}

function nextToken(source: string, from: number): number {
  let i = from;
  while (isJsonSpace(source.charAt(i))) i++;
  return i;
}

/** JSON's four whitespace characters; anything else outside a string is part of a token. */
function isJsonSpace(char: string): boolean {
  return char === " " || char === "\t" || char === "\n" || char === "\r";
}
