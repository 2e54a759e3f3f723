// What all calls in flight may hold at once. Each call's body is capped (maxResponseBytes), but sixteen calls at once
// held sixteen bodies, and converting sixteen large HTML pages at once (each takes some 20 times its size in heap,
// interleaved piece by piece) ran a 48 MB heap out of memory. Two budgets bound the sum: the body bytes held from
// reading to result, and the HTML pages being converted. A call beyond either waits its turn, first come first
// served, within its own time limit. Pure: the accounting and the settings; budget-gate.ts does the waiting.
import { type SettingNames, wholeNumberProblem } from "@mcp-toolkit/core";

/** Body bytes all calls may hold at once when the operator sets none: sixteen bodies at the default 1 MiB cap. */
export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/**
 * HTML pages converted to markdown at once when the operator sets none. Conversion is JavaScript on one thread, so
 * more at once finish no sooner; two keep a small page from waiting behind a large one alone.
 */
export const DEFAULT_MAX_CONVERSIONS = 2;

/**
 * How many of the waiting requests (their amounts, oldest first) may be granted now, from the front, with `held` of
 * `limit` taken. First come, first served: a request that does not fit stops the ones behind it, so a large one is
 * never starved by a stream of small ones. One larger than the whole limit is granted when nothing is held.
 */
export function admitted(limit: number, held: number, waiting: readonly number[]): number {
  let taken = held;
  let count = 0;
  for (const amount of waiting) {
    if (taken + amount > limit && taken > 0) break;
    taken += amount;
    count++;
  }
  return count;
}

/** Bytes a call sets aside before reading a body: its length when that is known and read as is, else the most it may read. */
export function bytesToHold(limit: number, contentLength: string | undefined, coded: boolean): number {
  const length = contentLength?.trim();
  if (coded || !length || !/^\d+$/.test(length)) return limit;
  return Math.min(limit, Number(length));
}

/** The two budgets in force, checked. */
export interface BudgetSettings {
  maxBufferedBytes: number;
  maxConversions: number;
}

/**
 * Check the budgets and fill in what is unset. The bytes default to DEFAULT_MAX_BUFFERED_BYTES, or to
 * `maxResponseBytes` if that is higher; a budget set below it is refused, since one call could never hold a whole
 * body. Throws RangeError naming the settings.
 */
export function resolveBudgets(
  set: { maxBufferedBytes?: number | undefined; maxConversions?: number | undefined },
  maxResponseBytes: number,
  names: SettingNames,
): BudgetSettings {
  const maxBufferedBytes = set.maxBufferedBytes ?? Math.max(DEFAULT_MAX_BUFFERED_BYTES, maxResponseBytes);
  const maxConversions = set.maxConversions ?? DEFAULT_MAX_CONVERSIONS;
  const problem =
    wholeNumberProblem(maxBufferedBytes, names("maxBufferedBytes"), { min: 1 }) ??
    wholeNumberProblem(maxConversions, names("maxConversions"), { min: 1 });
  if (problem) throw new RangeError(problem);
  if (maxBufferedBytes < maxResponseBytes) {
    throw new RangeError(
      `${names("maxBufferedBytes", String(maxBufferedBytes))} is under ${names("maxResponseBytes", String(maxResponseBytes))}, the most one call reads: one call could never hold a whole body; raise the first to ${maxResponseBytes} or lower the second`,
    );
  }
  return { maxBufferedBytes, maxConversions };
}

/**
 * What a call is told when its time limit passed while it waited for room to read its body: what held the room, and
 * the two settings that would have made way.
 */
export function bodyWaitMessage(
  target: string,
  waited: { ms: number; bytes: number },
  budget: { limit: number; held: number; waiting: number },
  names: SettingNames,
): string {
  const behind = budget.waiting > 0 ? `, with ${budget.waiting} more waiting` : "";
  return `timeout: ${target} waited ${waited.ms} ms for room to read its body (up to ${waited.bytes} bytes) and got none: the other calls in flight held ${budget.held} of the ${budget.limit} body bytes all calls may hold at once, set by ${names("maxBufferedBytes")}${behind}; try again once fewer calls run, or the server's operator can raise ${names("maxBufferedBytes")} or ${names("timeoutMs")}`;
}
