/**
 * Printable ASCII from the most to the least common in text and code, as background byte frequency tables rank
 * them (ripgrep's memchr crate, glibc's memmem): a byte early here is a poor one to look for. Bytes not listed
 * (controls, the rarer symbols, non-ASCII) rank rarest of all.
 */
const COMMON = ` etaoinsrlhcdu\npm.f0g,y1_b(w)v=2";/k*:x3T5S4E6I9A8C7-\t'R>ON<{}PLDM#F[]BU$+HGW&!|V%j@qzKY\\?J~XQ^Z\``;

/** How rare a byte is thought to be in a file: higher is rarer. */
function rarity(byte: number): number {
  const rank = COMMON.indexOf(String.fromCharCode(byte));
  return byte < 0x80 && rank !== -1 ? rank : COMMON.length;
}

/** False candidates a finder checks one by one before it lets a whole-needle search finish the buffer. */
const MAX_MISSES = 8;

/**
 * `(haystack) => haystack.includes(needle)`, faster on most text. Buffer's needle search (Boyer-Moore-Horspool) takes
 * a few µs per 10 KB, where a one-byte search is memchr, over ten times faster: so the finder looks for the needle's
 * rarest byte, checks its second rarest at its offset, and compares the whole needle only there. Where the rare byte
 * turns out common, it hands over to `includes` after MAX_MISSES candidates, so the worst case stays near the old.
 */
export function byteFinder(needle: Buffer): (haystack: Buffer) => boolean {
  if (needle.length === 0) return () => true;
  let at1 = 0;
  for (let i = 1; i < needle.length; i++) if (rarity(needle[i] ?? 0) > rarity(needle[at1] ?? 0)) at1 = i;
  let at2 = at1 === 0 ? needle.length - 1 : 0;
  for (let i = 0; i < needle.length; i++) {
    if (i !== at1 && rarity(needle[i] ?? 0) > rarity(needle[at2] ?? 0)) at2 = i;
  }
  const rare1 = needle[at1] ?? 0;
  const rare2 = needle[at2] ?? 0;
  const length = needle.length;
  return (haystack) => {
    const last = haystack.length - length;
    let misses = 0;
    for (let i = haystack.indexOf(rare1, at1); i !== -1; i = haystack.indexOf(rare1, i + 1)) {
      const start = i - at1;
      if (start > last) return false;
      if (haystack[start + at2] === rare2 && haystack.compare(needle, 0, length, start, start + length) === 0)
        return true;
      if (++misses > MAX_MISSES) return haystack.includes(needle, start + 1);
    }
    return false;
  };
}

/**
 * `byteFinder` up to ASCII case, for an ASCII needle: each needle letter matches the byte of either case. It looks for
 * the rarest byte in both cases (memchr twice at most) and compares the needle there; after a few false candidates it
 * hands over to a search of the haystack lower-cased, whose answer is the same (Latin-1 lower-casing maps no other
 * byte to ASCII).
 */
export function caselessFinder(needle: string): (haystack: Buffer) => boolean {
  const lower = Buffer.from(needle.toLowerCase(), "latin1");
  const upper = Buffer.from(needle.toUpperCase(), "latin1");
  const length = lower.length;
  if (length === 0) return () => true;
  let at = 0;
  for (let i = 1; i < length; i++) if (rarity(lower[i] ?? 0) > rarity(lower[at] ?? 0)) at = i;
  const anchors = [...new Set([lower[at] ?? 0, upper[at] ?? 0])];
  const folded = needle.toLowerCase();
  const matchesAt = (haystack: Buffer, start: number) => {
    for (let j = 0; j < length; j++) {
      const byte = haystack[start + j];
      if (byte !== lower[j] && byte !== upper[j]) return false;
    }
    return true;
  };
  return (haystack) => {
    const last = haystack.length - length;
    let misses = 0;
    for (const anchor of anchors) {
      for (let i = haystack.indexOf(anchor, at); i !== -1; i = haystack.indexOf(anchor, i + 1)) {
        const start = i - at;
        if (start > last) break;
        if (matchesAt(haystack, start)) return true;
        if (++misses > MAX_MISSES) return haystack.toString("latin1").toLowerCase().includes(folded);
      }
    }
    return false;
  };
}

/** Whether any of `finders` finds its needle: one search after another, so each needle costs a pass over a miss. */
export function anyFinder(finders: readonly ((haystack: Buffer) => boolean)[]): (haystack: Buffer) => boolean {
  const [only] = finders;
  if (finders.length === 1 && only) return only;
  return (haystack) => finders.some((find) => find(haystack));
}
