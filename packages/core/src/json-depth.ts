// How deep a parsed JSON value nests. JSON.stringify and most walkers recurse once per level, and a few thousand
// levels overflow the stack ("Maximum call stack size exceeded"): a value from a client is measured here first.

/**
 * How many levels of arrays and objects `value` nests (a top-level array or object is 1, a scalar 0), walked level
 * by level without recursion; counting stops at the first level past `stopPast`. A large value is mostly strings,
 * so this visits far fewer nodes than it has characters.
 */
export function jsonDepth(value: unknown, stopPast = Number.POSITIVE_INFINITY): number {
  let level: object[] = typeof value === "object" && value !== null ? [value] : [];
  let depth = 0;
  while (level.length > 0 && depth <= stopPast) {
    depth++;
    const next: object[] = [];
    for (const node of level) {
      for (const child of Array.isArray(node) ? node : Object.values(node)) {
        if (typeof child === "object" && child !== null) next.push(child);
      }
    }
    level = next;
  }
  return depth;
}
