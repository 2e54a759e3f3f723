/** A compiled content test, or why the pattern is refused. */
export type ContentMatcher = { ok: true; match: (line: string) => boolean } | { ok: false; reason: string };

/** Regex is only tried on this much of each line, bounding the cost of one test. */
const REGEX_LINE_CHARS = 4096;

/**
 * Compile search_files' `content`: plain text matches as a substring; `/source/flags` (flags from i, m,
 * s, u) is a regular expression, so "/usr/bin" stays plain text. Nested quantifiers like `(a+)+` are refused: they can backtrack for minutes.
 */
export function compileContentMatcher(content: string): ContentMatcher {
  if (content.length === 0) return { ok: false, reason: "empty; give text to find" };
  const literal = /^\/(.+)\/([imsu]*)$/s.exec(content);
  if (!literal) return { ok: true, match: (line) => line.includes(content) };
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
  return {
    ok: true,
    match: (line) => re.test(line.length > REGEX_LINE_CHARS ? line.slice(0, REGEX_LINE_CHARS) : line),
  };
}
