import { describe, expect, it } from "vitest";
import { jsonDepth } from "../src/json-depth.js";

/** `[[…]]` nested `depth` levels, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe("jsonDepth", () => {
  it.each<[string, unknown, number]>([
    ["a scalar", 42, 0],
    ["null", null, 0],
    ["an empty array", [], 1],
    ["a flat object", { a: 1, b: "[[[" }, 1],
    ["siblings do not add up", [[1], [2], { a: 3 }], 2],
    ["the deepest branch counts", { a: [1], b: { c: { d: [] } } }, 4],
  ])("%s", (_, value, depth) => {
    expect(jsonDepth(value)).toBe(depth);
  });

  it("measures 20,000 levels, which JSON.stringify cannot write", () => {
    const deep = nested(20_000);
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(jsonDepth(deep)).toBe(20_000);
  });

  it("stops counting at the first level past stopPast", () => {
    expect(jsonDepth(nested(20_000), 5)).toBe(6);
    expect(jsonDepth(nested(5), 5)).toBe(5);
  });
});
