import { describe, expect, it } from "vitest";
import { chooseEntries, type TreeItem } from "../src/tree-budget.js";

/** Items from "depth:parent" pairs, each costing `cost` bytes. */
const items = (spec: string, cost = 10): TreeItem[] =>
  spec.split(" ").map((pair) => {
    const [depth, parent] = pair.split(":").map(Number);
    return { depth: depth as number, parent: parent as number, cost };
  });

/** The shown flags as a string of 1s and 0s, to read against the spec. */
const flags = (shown: boolean[]) => shown.map((s) => (s ? "1" : "0")).join("");

describe("chooseEntries", () => {
  it.each([
    // everything fits
    ["1:-1 1:-1 2:0 2:0", 10, 1000, "1111", undefined],
    // a deeper level that does not fit whole is shared out in turns: one of each directory's entries at a time
    ["1:-1 1:-1 2:0 2:0 2:0 2:0 2:1", 5, 1000, "1111001", 2],
    ["1:-1 1:-1 1:-1 2:0 2:0 2:0 2:1 2:2 2:2", 7, 1000, "111110110", 2],
    // the first level does not fit: as many as fit, in order
    ["1:-1 1:-1 1:-1", 2, 1000, "110", 1],
    // bytes: 3 levels of 2 entries at 10 bytes, 55 bytes of room: levels 1–2 whole, one of level 3
    ["1:-1 1:-1 2:0 2:1 3:2 3:3", 100, 55, "111110", 3],
    // a later level is never shown when an earlier one is cut
    ["1:-1 1:-1 2:0 2:0 2:0 3:2", 3, 1000, "111000", 2],
  ])("%s with %i entries and %i bytes → %s (cut at depth %s)", (spec, maxEntries, room, shown, partDepth) => {
    const choice = chooseEntries(items(spec), maxEntries, room);
    expect(flags(choice.shown)).toBe(shown);
    expect(choice.partDepth).toBe(partDepth);
  });

  it("stops sharing out a level at the first entry too large for what is left", () => {
    const level = [
      { depth: 1, parent: -1, cost: 10 },
      { depth: 1, parent: -1, cost: 100 },
      { depth: 1, parent: -1, cost: 10 },
    ];
    expect(flags(chooseEntries(level, 10, 50).shown)).toBe("100");
  });
});
