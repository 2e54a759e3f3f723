// The HTTP endpoint logs each request it refuses (a bad token, a Host not allowed, a caller over its limits) so the
// operator sees what clients are told. A client that retries in a loop, or a scanner without a token, would make that
// one line per request, as fast as it sends them, and bury everything else: a refusal already logged for the same
// client and cause within the window is counted instead, and the next one logged says how many were left out. The
// audit trail (--audit-log) keeps a line for every request.

/** How long a logged refusal stands for the same ones after it. */
export const REPEAT_WINDOW_MS = 60_000;
/** Keys remembered at most (the oldest forgotten first), so a flood from many addresses cannot grow the map. */
export const REPEAT_KEYS_KEPT = 1000;

/** Lines said at most once per window for each key, the next one counting those left out. */
export class LogRepeats {
  readonly #seen = new Map<string, { until: number; skipped: number }>();

  constructor(
    private readonly windowMs = REPEAT_WINDOW_MS,
    private readonly kept = REPEAT_KEYS_KEPT,
  ) {}

  /** The line to log for `key` at `now`, or undefined when one was logged for it within the window (counted). */
  pass(key: string, line: string, now = Date.now()): string | undefined {
    const seen = this.#seen.get(key);
    if (seen && now < seen.until) {
      seen.skipped++;
      return undefined;
    }
    this.#seen.delete(key);
    this.#seen.set(key, { until: now + this.windowMs, skipped: 0 });
    if (this.#seen.size > this.kept) {
      const oldest = this.#seen.keys().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    const skipped = seen?.skipped ?? 0;
    if (skipped === 0) return line;
    return `${line} (and ${skipped} more like it since the last such line, not logged: the audit trail has each)`;
  }
}
