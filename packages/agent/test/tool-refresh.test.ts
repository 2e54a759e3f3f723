import { describe, expect, it } from "vitest";
import { toolListChange } from "../src/tool-refresh.js";

describe("toolListChange", () => {
  it.each([
    ["nothing changed", ["a", "b"], ["b", "a"], { added: 0, removed: 0 }],
    ["one added", ["a"], ["a", "b"], { added: 1, removed: 0 }],
    ["one removed", ["a", "b"], ["a"], { added: 0, removed: 1 }],
    ["all replaced", ["a", "b"], ["c"], { added: 1, removed: 2 }],
    ["from none", [], ["a", "b"], { added: 2, removed: 0 }],
    ["to none", ["a"], [], { added: 0, removed: 1 }],
    ["a name listed twice counts once", ["a"], ["a", "b", "b"], { added: 1, removed: 0 }],
  ])("%s", (_, before, after, change) => {
    expect(toolListChange(before, after)).toEqual(change);
  });
});
