import { describe, expect, it } from "vitest";
import { slowStartLine } from "../src/slow-start.js";

describe("slowStartLine", () => {
  it.each<[string, { name: string; state: "starting" | "up" | "dead" | "failed" }[], string | undefined]>([
    ["all up", [{ name: "file", state: "up" }], undefined],
    ["one failed, none starting", [{ name: "x", state: "failed" }], undefined],
    [
      "one still starting",
      [
        { name: "file", state: "up" },
        { name: "slow", state: "starting" },
      ],
      'waiting for server "slow" to start (3 s so far; one not up at 20 s, --startup-timeout, is left out)',
    ],
    [
      "two still starting",
      [
        { name: "a", state: "starting" },
        { name: "b", state: "starting" },
      ],
      'waiting for servers "a", "b" to start (3 s so far; one not up at 20 s, --startup-timeout, is left out)',
    ],
  ])("%s", (_, statuses, line) => {
    expect(slowStartLine(statuses, 3000, 20_000)).toBe(line);
  });
});
