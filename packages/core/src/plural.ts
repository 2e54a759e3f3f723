/** A count and its noun: "1 call", "2 calls", "0 bytes"; `many` for a noun whose plural is not noun + "s". */
export function plural(n: number, noun: string, many = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : many}`;
}
