/** One attribute: a name, then optionally `=` and a double-quoted, single-quoted or bare value. */
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

/**
 * The attributes of one start tag, from the text between its name and its `>`: names lowercased, values as
 * written (entities not decoded), the first of a repeated name kept as browsers do. Linear: one pass of a
 * pattern whose parts cannot overlap. Stray quotes or slashes are skipped.
 */
export function parseAttributes(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of source.matchAll(ATTRIBUTE)) {
    const name = (match[1] ?? "").toLowerCase();
    if (!attributes.has(name)) attributes.set(name, match[2] ?? match[3] ?? match[4] ?? "");
  }
  return attributes;
}
