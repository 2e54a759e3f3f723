// Text with an unpaired UTF-16 surrogate (half of an emoji, cut) has no UTF-8 form: a file, a database or a request
// would get U+FFFD in its place, and a tool would report success for text it did not store as sent. Such arguments
// are refused before the tool runs.

/** An unpaired surrogate: in a Unicode-aware pattern, a pair is one code point and only a lone half is `Cs`. */
const LONE_SURROGATE = /\p{Cs}/u;

/** The keys leading to a value, innermost first: one link per level, where a copied path per level costs its square. */
type Trail = { key: string; up: Trail } | undefined;

/**
 * Where the first string with an unpaired surrogate is in `value` (its path, and the character's index), if any.
 * Walked with a stack of its own, not by recursion: an argument nested 20,000 deep overflowed the call stack.
 */
export function illFormedText(value: unknown): { path: string[]; index: number } | undefined {
  const stack: { value: unknown; trail: Trail }[] = [{ value, trail: undefined }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { value: item, trail } = top;
    if (typeof item === "string") {
      const lone = LONE_SURROGATE.exec(item);
      if (lone) return { path: pathOf(trail), index: lone.index };
    } else if (typeof item === "object" && item !== null) {
      // Pushed last to first, so each key is looked at before its value, and both before the next key: text order.
      const entries = Object.entries(item);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as [string, unknown];
        stack.push({ value: child, trail: { key, up: trail } }, { value: key, trail });
      }
    }
  }
  return undefined;
}

function pathOf(trail: Trail): string[] {
  const path: string[] = [];
  for (let link = trail; link !== undefined; link = link.up) path.push(link.key);
  return path.reverse();
}

/** The refusal for an argument with an unpaired surrogate, naming where it is. */
export function illFormedMessage(found: { path: string[]; index: number }): string {
  const where = found.path.length > 0 ? `${found.path.join(".")}: ` : "";
  return `${where}character ${found.index} is half of a UTF-16 surrogate pair (a broken character, such as half of an emoji), which cannot be stored or sent as UTF-8; nothing was done: send the text as valid Unicode`;
}
