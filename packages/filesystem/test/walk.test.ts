import { describe, expect, it } from "vitest";
import { globMatcher, repetitions } from "../src/walk.js";

describe("globMatcher", () => {
  it.each([
    ["*.ts", "src/a.ts", "a.ts", true],
    ["src/**/*.ts", "src/x/y/a.ts", "a.ts", true],
    ["**/src/**/*.ts", "p/src/x/a.ts", "a.ts", true],
    ["*foo*bar*", "afoobbarc", "afoobbarc", true],
    ["*.{js,ts}", "a.md", "a.md", false],
  ])("%j on %j: %s", async (pattern, rel, name, expected) => {
    expect((await globMatcher([pattern]))(rel, name)).toBe(expected);
  });

  it.each([
    ["*a*a*a*b", /more than 3 wildcards that repeat/],
    ["*(a)*(a)*(a)*(a)*(a)b", /more than 3 wildcards that repeat/],
    [`{${Array(5000).fill("a".repeat(50)).join(",")}}`, /exceeds maximum allowed length.*shorter, simpler glob/],
  ])("refuses %j, naming it", async (pattern, reason) => {
    await expect(globMatcher([pattern])).rejects.toThrow(reason);
    await expect(globMatcher([pattern])).rejects.toThrow(/^glob "/);
  });
});

describe("repetitions", () => {
  it.each([
    ["^a*b$", 1],
    ["^a+\\*b$", 1],
    ["^[*+]x$", 0],
    ["^(?:a)*(?:b)+c{2,}d{2}$", 3],
    ["^[^\\]*]*$", 1],
  ])("%j → %i", (source, expected) => {
    expect(repetitions(source)).toBe(expected);
  });
});
