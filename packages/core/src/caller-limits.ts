import { plural } from "./plural.js";
import { type RateLimit, rateText, TokenBuckets } from "./rate-limit.js";

/**
 * The burst a caller rate gets when none is given (`120/min` → 10): enough for a client to connect (initialize,
 * or server/discover), list and call without a 429 while it starts.
 */
export const CALLER_MIN_BURST = 10;

/** Listen streams one caller may hold open when `maxStreams` is not given. */
export const STREAMS_PER_CALLER = 10;

/** Per-caller limits of a remote server. */
export interface CallerLimitSettings {
  /** Requests per caller, as a token bucket (`120/min`). Default none. */
  rate?: RateLimit | null;
  /** Calls one caller may have running at once; more are refused at once, not queued. Default none. */
  maxConcurrent?: number;
  /**
   * Listen streams one caller may hold open at once (a 2026-07-28 client's subscriptions/listen, a 2025 session's
   * GET stream); one more is refused. Default STREAMS_PER_CALLER.
   */
  maxStreams?: number;
  /**
   * How refusals name the setting that set each limit — a bin's flag or variable, whichever was given. Default the
   * library's own options, `limits.rate`, `limits.maxConcurrent` and `limits.maxStreams`.
   */
  names?: { rate?: string; maxConcurrent?: string; maxStreams?: string };
}

/**
 * Admitted (call `release` when the work is done), or refused with why and, when waiting can help, how long to wait
 * before trying again.
 */
export type Admission = { ok: true; release(): void } | { ok: false; retryAfterS?: number; reason: string };

/**
 * Rate, concurrency and open listen streams kept per caller, so that one caller cannot take the whole server.
 * Nothing waits here: over a limit is an immediate refusal (429), with Retry-After when waiting can help. At most
 * 10,000 callers' buckets are kept (full ones go first); running and stream counts are dropped when they reach zero.
 */
export class CallerLimits {
  readonly #buckets: TokenBuckets | undefined;
  readonly #running = new Map<string, number>();
  readonly #streams = new Map<string, number>();

  readonly #rateName: string;
  readonly #concurrencyName: string;
  readonly #streamsName: string;

  constructor(
    private readonly settings: CallerLimitSettings,
    now?: () => number,
  ) {
    this.#buckets = settings.rate ? new TokenBuckets(settings.rate, now) : undefined;
    this.#rateName = settings.names?.rate ?? "limits.rate";
    this.#concurrencyName = settings.names?.maxConcurrent ?? "limits.maxConcurrent";
    this.#streamsName = settings.names?.maxStreams ?? "limits.maxStreams";
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
    // A batch past a cap can never pass: no Retry-After, which a client would obey only to be refused again.
    if (max !== undefined && holding > max) {
      return {
        ok: false,
        reason: `this batch holds ${calls} requests, more than the ${max} one caller may run at once (${this.#concurrencyName}); send at most ${max} per request`,
      };
    }
    if (max !== undefined && running + holding > max) {
      return {
        ok: false,
        retryAfterS: 1,
        reason: `${plural(running, "call")} of this caller ${running === 1 ? "is" : "are"} running, and at most ${max} may run at once (${this.#concurrencyName}); send it again once one has finished`,
      };
    }
    if (this.#buckets) {
      const burst = (this.settings.rate as RateLimit).burst;
      if (calls > burst) {
        return {
          ok: false,
          reason: `this batch holds ${calls} requests, more than the ${burst} a caller may send at once (${this.#rateName}); send at most ${burst} per request`,
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
        // Said in the message too: an SDK client hands the model the body, never the Retry-After header.
        const retryAfterS = Math.max(1, Math.ceil(waitMs / 1000));
        return {
          ok: false,
          retryAfterS,
          reason: `this caller is limited to ${describeRate(rate)} (${this.#rateName}); send it again in ${retryAfterS} s`,
        };
      }
    }
    if (holding === 0) return { ok: true, release: () => {} };
    return holdCount(this.#running, caller, holding);
  }

  /**
   * Hold one listen stream open for `holder` (a caller, or for a shared token the address it comes from) until
   * `release`; refused past `maxStreams`. No Retry-After: waiting does not close a stream, its client does.
   */
  openStream(holder: string): Admission {
    const open = this.#streams.get(holder) ?? 0;
    const max = this.settings.maxStreams ?? STREAMS_PER_CALLER;
    if (open >= max) {
      return {
        ok: false,
        reason: `${plural(open, "listen stream")} of this caller ${open === 1 ? "is" : "are"} open, the most one caller may hold (${this.#streamsName}); close one it no longer reads before opening another`,
      };
    }
    return holdCount(this.#streams, holder, 1);
  }
}

/** Add `count` to `key`'s entry of `counts`, until the release takes it back (once); an entry at zero is dropped. */
function holdCount(counts: Map<string, number>, key: string, count: number): Admission {
  counts.set(key, (counts.get(key) ?? 0) + count);
  let released = false;
  return {
    ok: true,
    release: () => {
      if (released) return;
      released = true;
      const left = (counts.get(key) ?? count) - count;
      if (left > 0) counts.set(key, left);
      else counts.delete(key);
    },
  };
}

function describeRate(rate: RateLimit): string {
  return `${rateText(rate)} with bursts of ${rate.burst}`;
}
