// Which refusal lines are logged, and what the next one says of those left out. Pure: the clock is passed in.
import { describe, expect, it } from "vitest";
import { LogRepeats } from "../src/log-repeats.js";

type Step = [key: string, at: number, said: string | undefined];

describe("LogRepeats", () => {
  it.each<[string, Step[]]>([
    ["the first line of a key is said", [["a", 0, "line"]]],
    [
      "the same key within the window is counted, not said",
      [
        ["a", 0, "line"],
        ["a", 10, undefined],
        ["a", 999, undefined],
      ],
    ],
    [
      "after the window it is said again, with how many were left out",
      [
        ["a", 0, "line"],
        ["a", 10, undefined],
        ["a", 20, undefined],
        ["a", 1000, "line (and 2 more like it since the last such line, not logged: the audit trail has each)"],
        ["a", 1001, undefined],
      ],
    ],
    [
      "another key (another client or cause) is said on its own",
      [
        ["a", 0, "line"],
        ["b", 1, "line"],
        ["a", 2, undefined],
      ],
    ],
    [
      "a key forgotten to keep the map small is said again",
      [
        ["a", 0, "line"],
        ["b", 1, "line"],
        ["c", 2, "line"],
        ["a", 3, "line"],
      ],
    ],
  ])("%s", (_, steps) => {
    const repeats = new LogRepeats(1000, 2);
    for (const [key, at, said] of steps) expect(repeats.pass(key, "line", at)).toBe(said);
  });
});
