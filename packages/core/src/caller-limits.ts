import { plural } from "./plural.js";
import { type RateLimit, rateText, TokenBuckets } from "./rate-limit.js";

/**
 * The burst a caller rate gets when none is given (`120/min` → 10): enough for a client to connect (initialize,
 * or server/discover), list and call without a 429 while it starts.
 */
export const CALLER_MIN_BURST = 10;

/** Per-caller limits of a remote server. */
export interface CallerLimitSettings {
  /** Requests per caller, as a token bucket (`120/min`). Default none. */
  rate?: RateLimit | null;
  /** Calls one caller may have running at once; more are refused at once, not queued. Default none. */
  maxConcurrent?: number;
  /**
   * How refusals name the setting that set each limit — a bin's flag or variable, whichever was given. Default the
   * library's own options, `limits.rate` and `limits.maxConcurrent`.
   */
  names?: { rate?: string; maxConcurrent?: string };
}

/** Admitted (call `release` when the work is done), or refused with when to try again and why. */
export type Admission = { ok: true; release(): void } | { ok: false; retryAfterS: number; reason: string };

/**
 * Rate and concurrency kept per caller, so that one caller cannot take the whole server. Nothing waits here: over a
 * limit is an immediate refusal with Retry-After (429). At most 10,000 callers' buckets are kept (full ones go
 * first); running counts are dropped when they reach zero.
 */
export class CallerLimits {
  readonly #buckets: TokenBuckets | undefined;
  readonly #running = new Map<string, number>();

  readonly #rateName: string;
  readonly #concurrencyName: string;

  constructor(
    private readonly settings: CallerLimitSettings,
    now?: () => number,
  ) {
    this.#buckets = settings.rate ? new TokenBuckets(settings.rate, now) : undefined;
    this.#rateName = settings.names?.rate ?? "limits.rate";
    this.#concurrencyName = settings.names?.maxConcurrent ?? "limits.maxConcurrent";
  }

  /** Does any limit apply? */
  get active(): boolean {
    return this.#buckets !== undefined || this.settings.maxConcurrent !== undefined;
  }

  /**
   * Admit `calls` requests (a batch counts each; notifications count none) for `caller`. They take that many
   * tokens from the rate, and, when `hold` (a call that runs until answered, not a GET stream), that many running
   * places until `release`.
   */
  admit(caller: string, calls = 1, hold = true): Admission {
    if (calls === 0) return { ok: true, release: () => {} };
    const running = this.#running.get(caller) ?? 0;
    const max = this.settings.maxConcurrent;
    const holding = hold ? calls : 0;
    if (max !== undefined && holding > max) {
      return {
        ok: false,
        retryAfterS: 1,
        reason: `this batch holds ${calls} calls, more than the ${max} one caller may run at once (${this.#concurrencyName}); send at most ${max} per request`,
      };
    }
    if (max !== undefined && running + holding > max) {
      return {
        ok: false,
        retryAfterS: 1,
        reason: `${plural(running, "call")} of this caller ${running === 1 ? "is" : "are"} running, and at most ${max} may run at once (${this.#concurrencyName})`,
      };
    }
    if (this.#buckets) {
      const burst = (this.settings.rate as RateLimit).burst;
      if (calls > burst) {
        return {
          ok: false,
          retryAfterS: Math.max(1, Math.ceil(burst / (this.settings.rate as RateLimit).perSecond)),
          reason: `this batch holds ${calls} calls, more than the ${burst} a caller may send at once (${this.#rateName}); send at most ${burst} per request`,
        };
      }
      let waitMs = 0;
      let taken = 0;
      for (; taken < calls; taken++) {
        waitMs = this.#buckets.take(caller);
        if (waitMs > 0) break;
      }
      if (waitMs > 0) {
        for (let i = 0; i <= taken; i++) this.#buckets.refund(caller);
        const rate = this.settings.rate as RateLimit;
        return {
          ok: false,
          retryAfterS: Math.max(1, Math.ceil(waitMs / 1000)),
          reason: `this caller is limited to ${describeRate(rate)} (${this.#rateName})`,
        };
      }
    }
    if (holding === 0) return { ok: true, release: () => {} };
    this.#running.set(caller, running + holding);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.#running.get(caller) ?? holding) - holding;
        if (left > 0) this.#running.set(caller, left);
        else this.#running.delete(caller);
      },
    };
  }
}

function describeRate(rate: RateLimit): string {
  return `${rateText(rate)} with bursts of ${rate.burst}`;
}
