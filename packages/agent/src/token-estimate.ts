/**
 * How many tokens a text costs, estimated from the text itself, for the output budget and history fitting. ASCII
 * (English, code, JSON) runs about 4 characters a token; other characters — CJK at 3 bytes of UTF-8, Cyrillic,
 * emoji — about one token each, so a count of UTF-8 bytes / 4 would let a CJK result overrun the budget by a third.
 * An all-ASCII text (the usual case) is measured without a loop: its UTF-8 length is its length.
 */

/** ASCII characters a token. */
export const ASCII_PER_TOKEN = 4;

/** Whether the UTF-16 unit at `code` is the second half of a surrogate pair (counted with the first). */
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** Estimated tokens of `text`: ASCII characters at ASCII_PER_TOKEN a token, any other character one token. */
export function estimateTokens(text: string): number {
  if (Buffer.byteLength(text, "utf8") === text.length) return Math.ceil(text.length / ASCII_PER_TOKEN);
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) ascii++;
    else if (!isLowSurrogate(code)) other++;
  }
  return Math.ceil(ascii / ASCII_PER_TOKEN) + other;
}

/**
 * The length (in UTF-16 units) of the longest start of `text` estimated at `tokens` or fewer, never ending inside a
 * surrogate pair: where to cut a result to the budget.
 */
export function prefixWithin(text: string, tokens: number): number {
  const budget = Math.max(0, tokens) * ASCII_PER_TOKEN;
  if (Buffer.byteLength(text, "utf8") === text.length) return Math.min(text.length, budget);
  // In quarter tokens, so ASCII adds 1 and any other character ASCII_PER_TOKEN.
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const pair = code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1));
    used += code < 0x80 ? 1 : ASCII_PER_TOKEN;
    if (used > budget) return i;
    if (pair) i++;
  }
  return text.length;
}
