import { describe, expect, it } from "vitest";
import { plural } from "../src/plural.js";

describe("plural", () => {
  it.each([
    [0, "byte", "0 bytes"],
    [1, "byte", "1 byte"],
    [2, "call", "2 calls"],
    [1.5, "second", "1.5 seconds"],
  ])("%s %s is %s", (n, noun, text) => {
    expect(plural(n, noun)).toBe(text);
  });

  it.each([
    [1, "1 directory"],
    [0, "0 directories"],
    [3, "3 directories"],
  ])("%s with its own plural form is %s", (n, text) => {
    expect(plural(n, "directory", "directories")).toBe(text);
  });
});
