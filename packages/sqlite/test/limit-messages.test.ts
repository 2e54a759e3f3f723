import { describe, expect, it } from "vitest";
import { timeoutMessage, transactionTimeoutMessage, waitedOutMessage } from "../src/limit-messages.js";

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
    [
      transactionTimeoutMessage(500, [{ sql: "SELECT 1" }, { sql: "SELECT 2" }], 0, "--timeout-ms"),
      /^statement 1 of 2 was still running when the transaction was stopped after 500 ms, the time limit set by --timeout-ms: "SELECT 1"\. So the whole transaction was rolled back and nothing was applied\. Make statement 1 quicker/,
    ],
    [
      transactionTimeoutMessage(500, [{ sql: "a" }, { sql: "b" }, { sql: "c" }, { sql: "d" }], 3, undefined, 20),
      /^statement 4 of 4 was still running .* set by timeoutMs \(20 ms of it waiting its turn: .*\): "d"\. So .* \(statements 1–3 included\)\./,
    ],
    // Quotes, newlines and control characters are escaped; runs of white space are one; past 120 characters, cut.
    [
      transactionTimeoutMessage(500, [{ sql: `INSERT INTO "t"\n  VALUES ('\u0007', ${"9, ".repeat(60)}0)` }], 0),
      /: "INSERT INTO \\"t\\" VALUES \('\\u0007', (9, ){30}9…"\. So/,
    ],
    [
      transactionTimeoutMessage(500, [{ sql: "SELECT 1" }], undefined),
      /^the transaction was stopped after 500 ms, the time limit set by timeoutMs; the whole transaction was rolled back and nothing was applied\. Find its slow statement/,
    ],
  ])("%s", (message, expected) => {
    expect(message).toMatch(expected);
  });
});
