import { describe, expect, it } from "vitest";
import { hasOtherCase } from "../src/other-case.js";

describe("hasOtherCase", () => {
  it.each([
    ["*.md", true],
    ["**/Ä*", true],
    ["src/", true],
    ["*", false],
    ["**/*.[0-9]", false],
    ["数据/*", false],
  ])("%j → %s", (pattern, other) => {
    expect(hasOtherCase(pattern)).toBe(other);
  });
});
