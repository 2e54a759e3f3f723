import { describe, expect, it } from "vitest";
import { globMatcher } from "../src/glob.js";
import { alternatives, MAX_GLOB_ALTERNATIVES, repetitions } from "../src/glob-policy.js";

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

describe("alternatives", () => {
  it.each([
    ["^abc$", 1],
    ["^(a|b)$", 2],
    ["^(a|b)(c|d|e)$", 6],
    ["^(?:(a|b)|c)$", 3],
    ["^a?b?$", 4],
    ["^(a|b)?$", 3],
    ["^\\.{1,2}$", 2],
    ["^(a|b){3}$", 8],
    ["^(?!(a|b)(c|d))x$", 1], // a lookaround is never re-entered
    ["^(?<n>a|b)$", 2],
    ["^[(|)]\\(\\|$", 1], // in a class or escaped, ( and | are plain characters
    ["^(a|b)*$", Number.POSITIVE_INFINITY],
    ["^(a|b)+?$", Number.POSITIVE_INFINITY],
    ["^(?:a)*$", 1],
    [`^${"([^/]|[^/])".repeat(30)}Z$`, 2 ** 30],
  ])("%j → %d", (source, expected) => {
    expect(alternatives(source)).toBe(expected);
  });

  it("lets common globs through", async () => {
    for (const pattern of ["**/*.{js,ts,jsx,tsx,mjs,cjs}", "src/**/test/*.test.ts", "{a,b}/{c,d}/*.md", "**"]) {
      await expect(globMatcher([pattern])).resolves.toBeDefined();
    }
    expect(MAX_GLOB_ALTERNATIVES).toBe(256);
  });
});
