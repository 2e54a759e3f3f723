import { describe, expect, it } from "vitest";
import { timeoutMessage, waitedOutMessage } from "../src/limit-messages.js";

describe("time limit messages", () => {
  it.each([
    [timeoutMessage(500, false), /^stopped after 500 ms, the time limit set by timeoutMs; nothing was changed\./],
    [timeoutMessage(500, true, "--timeout-ms"), /by --timeout-ms; it was rolled back and nothing was changed/],
    [timeoutMessage(500, false, "--timeout-ms", 0.4), /by --timeout-ms; nothing/],
    [
      timeoutMessage(500, false, "--timeout-ms", 320.6),
      /by --timeout-ms \(321 ms of it waiting its turn: this server runs its statements one at a time\); nothing/,
    ],
    [
      waitedOutMessage(500, "--timeout-ms"),
      /^waited 500 ms, the time limit set by --timeout-ms, and never started: this server runs its statements one at a time, and those ahead.*Nothing ran/,
    ],
    [
      waitedOutMessage(500, "--timeout-ms", true),
      /^waited 500 ms, the time limit set by --timeout-ms, and never started: the process that runs this server's statements was still starting.*Nothing ran; call again$/,
    ],
  ])("%s", (message, expected) => {
    expect(message).toMatch(expected);
  });
});
