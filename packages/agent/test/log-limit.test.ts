import { describe, expect, it } from "vitest";
import { type LogVerdict, logLimiter } from "../src/log-limit.js";

describe("logLimiter", () => {
  it.each<[string, [string, number][], LogVerdict[]]>([
    [
      "shows up to the limit",
      [
        ["a", 0],
        ["a", 1],
      ],
      ["show", "show"],
    ],
    [
      "says once that the rest is held, then drops",
      [
        ["a", 0],
        ["a", 1],
        ["a", 2],
        ["a", 3],
      ],
      ["show", "show", "hold-from-here", "held"],
    ],
    [
      "counts each server apart",
      [
        ["a", 0],
        ["a", 1],
        ["b", 2],
        ["a", 3],
      ],
      ["show", "show", "show", "hold-from-here"],
    ],
    [
      "starts a new window after windowMs",
      [
        ["a", 0],
        ["a", 1],
        ["a", 2],
        ["a", 100],
      ],
      ["show", "show", "hold-from-here", "show"],
    ],
  ])("%s", (_, messages, verdicts) => {
    let t = 0;
    const limit = logLimiter(2, 100, () => t);
    expect(
      messages.map(([server, at]) => {
        t = at;
        return limit(server);
      }),
    ).toEqual(verdicts);
  });
});
