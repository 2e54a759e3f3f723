import { describe, expect, it } from "vitest";
import { afterStop, MAX_RESTARTS, restartVerdict, type ServerStanding, startRetry } from "../src/restart-policy.js";

const standing = (over: Partial<ServerStanding>): ServerStanding => ({
  state: "up",
  restarting: false,
  restarts: 0,
  lastExit: undefined,
  closing: false,
  ...over,
});

describe("afterStop", () => {
  it.each([
    [0, /will be restarted on the next call/],
    [MAX_RESTARTS - 1, /will be restarted on the next call/],
    [MAX_RESTARTS, /restarted 3 times already, so it will not be restarted again: its tools are unavailable/],
  ])("after %i restarts: %s", (restarts, words) => {
    expect(afterStop(restarts)).toMatch(words);
  });
});

describe("restartVerdict", () => {
  it.each([
    ["a running server is used", {}, { action: "use" }],
    ["a starting server is used as it is", { state: "starting" }, { action: "use" }],
    ["a dead server is restarted", { state: "dead" }, { action: "restart" }],
    [
      "a dead server under its limit is restarted",
      { state: "dead", restarts: MAX_RESTARTS - 1 },
      { action: "restart" },
    ],
    ["a restart under way is joined", { state: "up", restarting: true }, { action: "restart" }],
    [
      "a restart under way is joined even at the limit",
      { state: "dead", restarting: true, restarts: MAX_RESTARTS },
      { action: "restart" },
    ],
    [
      "a dead server is not restarted while the pool closes",
      { state: "dead", closing: true },
      { action: "refuse", reason: 'server "db" is shutting down' },
    ],
    [
      "a server restarted MAX_RESTARTS times is given up, saying how it last ended",
      { state: "dead", restarts: MAX_RESTARTS, lastExit: "exit code 1" },
      {
        action: "refuse",
        reason: `server "db" stopped (exit code 1) and was restarted ${MAX_RESTARTS} times already, so it will not be restarted again: its tools are unavailable for this run`,
      },
    ],
    [
      "an unknown ending is said so",
      { state: "dead", restarts: MAX_RESTARTS + 1 },
      {
        action: "refuse",
        reason: `server "db" stopped (unknown) and was restarted ${MAX_RESTARTS} times already, so it will not be restarted again: its tools are unavailable for this run`,
      },
    ],
  ] as const)("%s", (_, over, verdict) => {
    expect(restartVerdict("db", standing(over))).toEqual(verdict);
  });
});

describe("startRetry", () => {
  const failed = { fromSnapshot: false, snapshotRefused: false, exited: false, negotiation: "auto" } as const;
  it.each([
    ["a snapshot Node refused: the bin", { fromSnapshot: true, snapshotRefused: true, exited: true }, "bin"],
    [
      "a snapshot refused outranks the legacy greeting",
      { fromSnapshot: true, snapshotRefused: true, exited: true, negotiation: "auto" },
      "bin",
    ],
    ["a refusal-like exit of a bin start: no bin retry", { snapshotRefused: true, exited: true }, "legacy"],
    ["a negotiating server that exited: the 2025 greeting", { exited: true }, "legacy"],
    ["a pinned server that exited: reported", { exited: true, negotiation: "pinned" }, undefined],
    ["a server already greeted the 2025 way: reported", { exited: true, negotiation: "legacy" }, undefined],
    ["a negotiating server still running (a timeout): reported", {}, undefined],
    ["a snapshot start that timed out: reported", { fromSnapshot: true }, undefined],
  ] as const)("%s", (_, over, retry) => {
    expect(startRetry({ ...failed, ...over })).toBe(retry);
  });
});
