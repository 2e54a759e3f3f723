// The characters max_length and start_index count: Unicode code points, as the README says and as a model or a
// Python client counts them, not JavaScript's UTF-16 units, which counted an emoji or a CJK extension ideograph twice
// (a page of them held half what was asked). A letter whose accent is a separate combining mark (decomposed, NFD)
// is still two. Pure.

/** A surrogate anywhere: without one, code points and UTF-16 units are the same and no walk is needed. */
const SURROGATE = /[\uD800-\uDFFF]/;

/** How many code points `text` holds; a lone surrogate counts as one. */
export function codePointCount(text: string): number {
  if (!SURROGATE.test(text)) return text.length;
  let count = 0;
  for (let i = 0; i < text.length; i++, count++) if (isPairAt(text, i)) i++;
  return count;
}

/**
 * The UTF-16 offset where code point number `index` of `text` starts (text.length past its end): where to slice, so
 * a page never holds half a surrogate pair.
 */
export function unitOffset(text: string, index: number): number {
  if (!SURROGATE.test(text)) return Math.min(index, text.length);
  let unit = 0;
  for (let seen = 0; seen < index && unit < text.length; seen++) unit += isPairAt(text, unit) ? 2 : 1;
  return unit;
}

/** Whether a surrogate pair (high half, then low half) starts at `i`. */
function isPairAt(text: string, i: number): boolean {
  const high = text.charCodeAt(i);
  const low = text.charCodeAt(i + 1);
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
}
