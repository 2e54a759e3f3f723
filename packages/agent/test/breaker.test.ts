import { describe, expect, it } from "vitest";
import {
  admit,
  BREAKER_DEFAULTS,
  type BreakerChange,
  type BreakerState,
  breakerNotice,
  type CallEnd,
  CLOSED,
  type Outcome,
  outcomes,
  record,
  toolUnavailableMessage,
  unavailableMessage,
  type Verdict,
} from "../src/breaker.js";

/** One step of a script: ask for a call at t ms and, if it runs, how it ends. */
type Step = [t: number, outcome: Outcome | undefined];

/** Run a script; each step yields the verdict and any change it caused. */
function play(steps: Step[]): { verdicts: Verdict[]; changes: BreakerChange[]; state: BreakerState } {
  let state = CLOSED;
  const verdicts: Verdict[] = [];
  const changes: BreakerChange[] = [];
  for (const [t, outcome] of steps) {
    const admitted = admit(state, t);
    state = admitted.state;
    verdicts.push(admitted.verdict);
    if (admitted.verdict === "reject" || outcome === undefined) continue;
    const recorded = record(state, outcome, t, BREAKER_DEFAULTS);
    state = recorded.state;
    if (recorded.change) changes.push(recorded.change);
  }
  return { verdicts, changes, state };
}

const fail = (t: number): Step => [t, "failure"];
const pass = (t: number): Step => [t, "success"];
const none = (t: number): Step => [t, "none"];
const fiveFailures = [fail(0), fail(1), fail(2), fail(3), fail(4)];

describe("circuit breaker", () => {
  it.each<[string, Step[], Verdict[], BreakerChange[], BreakerState["phase"]]>([
    ["four failures leave it closed", fiveFailures.slice(0, 4), ["pass", "pass", "pass", "pass"], [], "closed"],
    ["the fifth failure in a row opens it", fiveFailures, ["pass", "pass", "pass", "pass", "pass"], ["opened"], "open"],
    [
      "a success in between resets the count",
      [fail(0), fail(1), fail(2), fail(3), pass(4), fail(5), fail(6), fail(7), fail(8)],
      Array(9).fill("pass"),
      [],
      "closed",
    ],
    [
      "while open, calls are refused without running",
      [...fiveFailures, pass(5), pass(29_000)],
      ["pass", "pass", "pass", "pass", "pass", "reject", "reject"],
      ["opened"],
      "open",
    ],
    [
      "after the pause one probe passes; its success closes it",
      [...fiveFailures, pass(30_004), pass(30_005)],
      ["pass", "pass", "pass", "pass", "pass", "probe", "pass"],
      ["opened", "closed"],
      "closed",
    ],
    [
      "a failed probe opens it for another pause",
      [...fiveFailures, fail(30_004), pass(40_000), pass(60_004)],
      ["pass", "pass", "pass", "pass", "pass", "probe", "reject", "probe"],
      ["opened", "reopened", "closed"],
      "closed",
    ],
    [
      "while the probe runs, other calls are refused",
      [...fiveFailures, [30_004, undefined], pass(30_005)],
      ["pass", "pass", "pass", "pass", "pass", "probe", "reject"],
      ["opened"],
      "probing",
    ],
    [
      "a call that tells nothing neither counts nor resets",
      [fail(0), fail(1), fail(2), fail(3), none(4), fail(5)],
      Array(6).fill("pass"),
      ["opened"],
      "open",
    ],
    [
      "a probe that tells nothing leaves it open, and the next call probes",
      [...fiveFailures, none(30_004), pass(30_005)],
      ["pass", "pass", "pass", "pass", "pass", "probe", "probe"],
      ["opened", "closed"],
      "closed",
    ],
  ])("%s", (_name, steps, verdicts, changes, phase) => {
    const result = play(steps);
    expect(result.verdicts).toEqual(verdicts);
    expect(result.changes).toEqual(changes);
    expect(result.state.phase).toBe(phase);
  });

  it.each<[BreakerState, number, string]>([
    [{ phase: "open", failures: 5, until: 30_000 }, 0, "db is unavailable (5 failures in a row); retrying in 30 s"],
    [{ phase: "open", failures: 6, until: 30_000 }, 29_100, "db is unavailable (6 failures in a row); retrying in 1 s"],
    [{ phase: "probing", failures: 5 }, 31_000, "db is unavailable (5 failures in a row); a probe call is under way"],
  ])("says why and when: %j at %d", (state, now, text) => {
    expect(unavailableMessage("db", state, now)).toMatch(new RegExp(`^${text.replace(/[()]/g, "\\$&")}`));
  });

  it.each<[CallEnd, Outcome, Outcome]>([
    // One slow tool must not take its server's fast tools down: a timeout is the tool's alone.
    ["timeout", "none", "failure"],
    // A crash or a transport failure is the server's, whichever tool was called.
    ["down", "failure", "none"],
    ["answered", "success", "success"],
    ["cancelled", "none", "none"],
  ])("a call that ended %s counts %s for the server, %s for the tool", (end, server, tool) => {
    expect(outcomes(end)).toEqual({ server, tool });
  });

  it.each<[BreakerState, number, string]>([
    [
      { phase: "open", failures: 5, until: 30_000 },
      1_000,
      `tool "slow" of db is unavailable (timed out 5 times in a row); retrying it in 29 s — db's other tools still work`,
    ],
    [
      { phase: "probing", failures: 5 },
      31_000,
      `tool "slow" of db is unavailable (timed out 5 times in a row); a probe call of it is under way`,
    ],
  ])("names the tool that keeps timing out, and when: %j at %d", (state, now, text) => {
    expect(toolUnavailableMessage("db", "slow", state, now).startsWith(text)).toBe(true);
  });

  it.each<[string | undefined, "opened" | "closed", string]>([
    [
      undefined,
      "opened",
      "db is unavailable (5 failures in a row): its calls fail fast for 30 s, then one probe call is let through",
    ],
    [
      "slow",
      "opened",
      `tool "slow" of db is unavailable (timed out 5 times in a row): its calls fail fast for 30 s, then one probe call is let through; db's other tools are still called`,
    ],
    ["slow", "closed", `tool "slow" of db answered the probe call: its calls go through again`],
  ])("tells the transcript about tool %s: %s", (tool, change, text) => {
    expect(breakerNotice("db", tool, change, 5, 30_000)).toBe(text);
  });
});
