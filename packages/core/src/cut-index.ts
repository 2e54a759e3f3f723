/**
 * Where to cut `text` to keep at most `max` UTF-16 units without leaving half a surrogate pair at the end: `max`, or
 * one less when unit `max - 1` is a pair's high half. Pure.
 */
export function cutIndex(text: string, max: number): number {
  return /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
}
