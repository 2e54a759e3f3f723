/** A count and a regular English noun: "1 call", "2 calls", "0 bytes". */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
