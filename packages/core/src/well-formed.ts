// Text with an unpaired UTF-16 surrogate (half of an emoji, cut) has no UTF-8 form: a file, a database or a request
// would get U+FFFD in its place, and a tool would report success for text it did not store as sent. Such arguments
// are refused before the tool runs.

/** An unpaired surrogate: in a Unicode-aware pattern, a pair is one code point and only a lone half is `Cs`. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Where the first string with an unpaired surrogate is in `value` (its path, and the character's index), if any. */
export function illFormedText(
  value: unknown,
  path: readonly string[] = [],
): { path: string[]; index: number } | undefined {
  if (typeof value === "string") {
    const lone = LONE_SURROGATE.exec(value);
    return lone ? { path: [...path], index: lone.index } : undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = illFormedText(key, path) ?? illFormedText(item, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** The refusal for an argument with an unpaired surrogate, naming where it is. */
export function illFormedMessage(found: { path: string[]; index: number }): string {
  const where = found.path.length > 0 ? `${found.path.join(".")}: ` : "";
  return `${where}character ${found.index} is half of a UTF-16 surrogate pair (a broken character, such as half of an emoji), which cannot be stored or sent as UTF-8; nothing was done: send the text as valid Unicode`;
}
