import { type OptionRules, optionRule } from "./library-options.js";

/** A token bucket per key (an upstream host, a caller): `perSecond` requests on average, bursts up to `burst`. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** What a rate limit object must hold, for the library options that take one (checkLibraryOptions). */
export const RATE_LIMIT_RULES: OptionRules<RateLimit> = {
  perSecond: optionRule.required({
    expects: "a number > 0",
    test: (value) => typeof value === "number" && Number.isFinite(value) && value > 0,
    rightKind: (value) => typeof value === "number",
  }),
  burst: optionRule.required(optionRule.wholeNumber(1)),
};

/**
 * Parse "10" or "10/s", "120/min", "1000/h", optionally ",burst=20". Null for empty text. Without `burst=`, the
 * burst is one second's worth (at least 1), or `minBurst` when that is more. Text it cannot read is a TypeError; a
 * rate or burst below 1 a RangeError.
 */
export function parseRateLimit(text: string | undefined, minBurst = 1): RateLimit | null {
  const raw = text?.trim() ?? "";
  if (!raw) return null;
  const match = /^(\d+(?:\.\d+)?)\s*(?:\/\s*(s|sec|second|m|min|minute|h|hour))?\s*(?:,\s*burst\s*=\s*(\d+))?$/i.exec(
    raw,
  );
  const count = Number(match?.[1]);
  if (!match) throw new TypeError(`rate limit "${raw}" is not understood; use e.g. 10/s, 120/min or 5/s,burst=20`);
  // A rate of 0 reads fine but is out of range: it would refuse every request, where leaving it unset limits none.
  if (!(count > 0)) {
    throw new RangeError(`rate limit "${raw}" must be above 0 (e.g. 10/s or 1/h); leave it unset for no limit`);
  }
  const unit = (match[2] ?? "s").toLowerCase()[0];
  const perSecond = count / (unit === "m" ? 60 : unit === "h" ? 3600 : 1);
  const burst = match[3] ? Number(match[3]) : Math.max(minBurst, Math.ceil(perSecond));
  if (burst < 1) throw new RangeError(`rate limit "${raw}": burst must be at least 1`);
  return { perSecond, burst };
}

/**
 * A rate as a person would write it: per minute, or per hour, when that is a whole number (1/min, not 0.02/s),
 * else per second from 1 a second up, else per minute to three decimals.
 */
export function rateText({ perSecond }: Pick<RateLimit, "perSecond">): string {
  const per = (seconds: number) => Math.round(perSecond * seconds * 1000) / 1000;
  const whole = (seconds: number) => Number.isInteger(Math.round(perSecond * seconds * 1e9) / 1e9);
  if (whole(60)) return `${per(60)}/min`;
  if (whole(3600)) return `${per(3600)}/h`;
  return perSecond >= 1 ? `${per(1)}/s` : `${per(60)}/min`;
}

/** Token buckets by key, at most 10,000 kept (full ones are dropped first). `take` reserves a token and says how long to wait for it. */
export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Reserve one request for `key`; returns the milliseconds to wait before sending it (0 = now). */
  take(key: string): number {
    const now = this.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond);
    bucket.at = now;
    bucket.tokens -= 1;
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > 10_000) this.#evictFull(now);
    return bucket.tokens >= 0 ? 0 : Math.ceil((-bucket.tokens / this.limit.perSecond) * 1000);
  }

  /** Give back a reservation the caller will not use (it gave up waiting). */
  refund(key: string): void {
    const bucket = this.#buckets.get(key);
    if (bucket) bucket.tokens = Math.min(this.limit.burst, bucket.tokens + 1);
  }

  #evictFull(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond >= this.limit.burst) {
        this.#buckets.delete(key);
      }
    }
  }
}
