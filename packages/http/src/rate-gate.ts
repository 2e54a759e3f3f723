// The fetcher's first stage: pacing requests per upstream host and port, so a model in a loop cannot flood a service.
// The buckets (core's TokenBuckets) say how long the next slot is away; this stage waits for it, or refuses at once
// when the wait would outlast the call's own time limit.
import { setTimeout as sleep } from "node:timers/promises";
import { type Logger, type RateLimit, rateText, type SettingNames, TokenBuckets } from "@mcp-toolkit/core";
import { FetchError, type Progress } from "./fetch-errors.js";
import { bareHost, effectivePort } from "./host-name.js";

/** Waits for a request's slot under the rate limit. */
export interface RateGate {
  /** Resolve when `url`'s host may be sent another request; a FetchError "rate-limited" when that is too far off. */
  wait(url: URL, signal: AbortSignal, progress: Progress): Promise<void>;
}

export interface RateGateOptions {
  /** Longest wait worth taking: the call's time limit. */
  timeoutMs: number;
  settingNames: SettingNames;
  logger: Logger;
  now?: () => number;
}

/** A gate for `limit`, or one that never waits when there is no limit. */
export function createRateGate(limit: RateLimit | null, options: RateGateOptions): RateGate {
  if (!limit) return { wait: async () => {} };
  const buckets = new TokenBuckets(limit, options.now);
  return {
    async wait(url, signal, progress) {
      const key = `${bareHost(url.hostname)}:${effectivePort(url)}`;
      const wait = buckets.take(key);
      if (wait === 0) return;
      if (wait >= options.timeoutMs) {
        buckets.refund(key);
        throw new FetchError(
          "rate-limited",
          `rate limited: ${url.host} is limited to ${rateText(limit)} by ${options.settingNames("rateLimit")}, and the next slot is ${wait} ms away; try later`,
        );
      }
      options.logger.debug(`rate limit: waiting ${wait} ms for ${url.host}`);
      progress.phase = "waiting for the rate limit";
      try {
        await sleep(wait, undefined, { signal });
      } catch (error) {
        // The caller gave up (cancelled, or its deadline passed): the slot it reserved goes to the next request.
        buckets.refund(key);
        throw error;
      }
    },
  };
}
