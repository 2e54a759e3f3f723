/**
 * A circuit breaker, as a pure state machine: the pool feeds it the clock and each call's outcome. It guards a server
 * and, apart, each of its tools. A server that keeps failing (dead, unreachable) or a tool that keeps timing out would
 * otherwise cost the model a full --tool-timeout on every call; after `threshold` failures in a row its calls fail at
 * once for `cooldownMs`, then one probe call is let through, and its outcome closes the breaker or opens it again.
 * Results with `isError` are answers, not failures.
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

/** What a call tells one breaker: it answered, it failed, or nothing about what this breaker guards. */
export type Outcome = "success" | "failure" | "none";

/**
 * Record a call's outcome: any answer closes it; a failure counts, and the threshold (or a failed probe) opens it.
 * A probe that tells nothing leaves the breaker open with its pause over, so the next call probes again.
 */
export function record(
  state: BreakerState,
  outcome: Outcome,
  now: number,
  options: BreakerOptions,
): { state: BreakerState; change: BreakerChange } {
  if (outcome === "none") {
    const probeOver = state.phase === "probing";
    return { state: probeOver ? { phase: "open", failures: state.failures, until: now } : state, change: undefined };
  }
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

/** How a call ended: answered (a result, isError or a protocol error), timed out, no answer, or cancelled by the user. */
export type CallEnd = "answered" | "timeout" | "down" | "cancelled";

/**
 * Which breaker a call's end counts against. A timeout is the tool's: one slow tool must not take its server's fast
 * tools down. A crash or a transport failure is the server's. An answer proves both work; a cancel proves nothing.
 */
export function outcomes(end: CallEnd): { server: Outcome; tool: Outcome } {
  if (end === "answered") return { server: "success", tool: "success" };
  if (end === "timeout") return { server: "none", tool: "failure" };
  if (end === "down") return { server: "failure", tool: "none" };
  return { server: "none", tool: "none" };
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

/** The fast failure of one tool that keeps timing out: which tool, when it is tried again, and that the rest work. */
export function toolUnavailableMessage(server: string, tool: string, state: BreakerState, now: number): string {
  const wait =
    state.phase === "open" ? `retrying it in ${secondsUntilRetry(state, now)} s` : "a probe call of it is under way";
  return `tool "${tool}" of ${server} is unavailable (timed out ${state.failures} times in a row); ${wait} — ${server}'s other tools still work, use them or others meanwhile`;
}

/** The transcript's line when a breaker opens or closes: the server's, or with `tool` one tool's. */
export function breakerNotice(
  server: string,
  tool: string | undefined,
  change: Exclude<BreakerChange, undefined>,
  failures: number,
  cooldownMs: number,
): string {
  const who = tool === undefined ? server : `tool "${tool}" of ${server}`;
  if (change === "closed") return `${who} answered the probe call: its calls go through again`;
  const why = tool === undefined ? `${failures} failures in a row` : `timed out ${failures} times in a row`;
  const others = tool === undefined ? "" : `; ${server}'s other tools are still called`;
  return `${who} is unavailable (${why}): its calls fail fast for ${cooldownMs / 1000} s, then one probe call is let through${others}`;
}

/** The summary's name for a breaker: the server's, or `server tool` for one tool's. */
export function breakerLabel(server: string, tool: string | undefined): string {
  return tool === undefined ? server : `${server} tool ${tool}`;
}
