/**
 * A circuit breaker per server, as a pure state machine: the pool feeds it the clock and each call's outcome.
 * A server that keeps failing (dead, hanging, unreachable) would otherwise cost the model a full --tool-timeout on
 * every call; after `threshold` failures in a row its calls fail at once for `cooldownMs`, then one probe call is let
 * through, and its outcome closes the breaker or opens it again. Results with `isError` are answers, not failures.
 */

/** How many failures open the breaker, and for how long. */
export interface BreakerOptions {
  threshold: number;
  cooldownMs: number;
}

export const BREAKER_DEFAULTS: BreakerOptions = { threshold: 5, cooldownMs: 30_000 };

/** Closed: calls pass. Open: calls fail fast until `until`. Probing: one call is in flight to test the server. */
export type BreakerState =
  | { phase: "closed"; failures: number }
  | { phase: "open"; failures: number; until: number }
  | { phase: "probing"; failures: number };

export const CLOSED: BreakerState = { phase: "closed", failures: 0 };

/** What happens to a call asked for at `now`: it passes, it is the probe, or it is refused. */
export type Verdict = "pass" | "probe" | "reject";

/** Decide a call; a call after the cooldown becomes the one probe, and others wait while it runs. */
export function admit(state: BreakerState, now: number): { state: BreakerState; verdict: Verdict } {
  if (state.phase === "closed") return { state, verdict: "pass" };
  if (state.phase === "open" && now >= state.until) {
    return { state: { phase: "probing", failures: state.failures }, verdict: "probe" };
  }
  return { state, verdict: "reject" };
}

/** A change worth telling the user about. */
export type BreakerChange = "opened" | "reopened" | "closed" | undefined;

/** Record a call's outcome: any answer closes it; a failure counts, and the threshold (or a failed probe) opens it. */
export function record(
  state: BreakerState,
  outcome: "success" | "failure",
  now: number,
  options: BreakerOptions,
): { state: BreakerState; change: BreakerChange } {
  if (outcome === "success") {
    return { state: CLOSED, change: state.phase === "closed" ? undefined : "closed" };
  }
  const failures = state.failures + 1;
  if (state.phase === "probing") {
    return { state: { phase: "open", failures, until: now + options.cooldownMs }, change: "reopened" };
  }
  if (state.phase === "open") return { state: { ...state, failures }, change: undefined };
  if (failures >= options.threshold) {
    return { state: { phase: "open", failures, until: now + options.cooldownMs }, change: "opened" };
  }
  return { state: { phase: "closed", failures }, change: undefined };
}

/** Whole seconds, at least 1, until an open breaker lets a probe call through. */
export function secondsUntilRetry(state: { until: number }, now: number): number {
  return Math.max(1, Math.ceil((state.until - now) / 1000));
}

/** The fast failure, in words the model can act on: why, and when the server is tried again. */
export function unavailableMessage(server: string, state: BreakerState, now: number): string {
  const wait = state.phase === "open" ? `retrying in ${secondsUntilRetry(state, now)} s` : "a probe call is under way";
  return `${server} is unavailable (${state.failures} failures in a row); ${wait} — use other tools meanwhile`;
}
