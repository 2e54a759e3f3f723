import { describe, expect, it } from "vitest";
import { anyFinder, byteFinder, caselessFinder } from "../src/byte-search.js";

describe("byteFinder", () => {
  it.each([
    ["needle-7f3a9c", "line 1 needle-7f3a9c\n", true],
    ["needle-7f3a9c", "needle-7f3a9", false],
    ["needle-7f3a9c", "-7f3a9c needle", false],
    ["-", "a-b", true],
    ["x", "", false],
    ["ab", "a", false],
    ["café", "un café", true],
    ["café", "un cafe", false],
    ["TODO", "TODO", true], // the whole buffer
    ["a-b", `${"-".repeat(100)}a-b`, true], // the rare byte everywhere: the whole-needle search takes over
    ["a-b", "-".repeat(100), false],
    ["aab", `${"a".repeat(50)}b`, true],
    ["\0\xff", "x\0\xffy", true],
  ])("%j in %j: %s", (needle, haystack, expected) => {
    const bytes = (s: string) => Buffer.from(s, needle.includes("\xff") ? "latin1" : "utf8");
    expect(byteFinder(bytes(needle))(bytes(haystack))).toBe(expected);
  });

  // Whatever byte it picks, its answer is Buffer.includes' answer: random needles over small alphabets, which put
  // the needle's bytes (and near misses) everywhere.
  it("agrees with Buffer.includes", () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (const alphabet of ["ab", "a-b.", "e -7fx\n", "\0\xff\x80a"]) {
      const pick = (length: number) =>
        Buffer.from(Array.from({ length }, () => alphabet.charCodeAt(random(alphabet.length))));
      for (let round = 0; round < 2000; round++) {
        const needle = pick(1 + random(6));
        const haystack = pick(random(80));
        expect(byteFinder(needle)(haystack), `${needle.toString("latin1")} in ${haystack.toString("latin1")}`).toBe(
          haystack.includes(needle),
        );
      }
    }
  });
});

describe("caselessFinder", () => {
  it.each([
    ["needle-7f3a9c", "line 1 NEEDLE-7F3A9C\n", true],
    ["Needle", "a nEEdle b", true],
    ["needle", "a needl", false],
    ["k", "\u212A", false], // the Kelvin sign is not ASCII K
    ["a-b", `${"-".repeat(100)}A-B`, true], // the rare byte everywhere: the lower-cased search takes over
    ["a-b", "-".repeat(100), false],
    ["x", "", false],
  ])("%j in %j: %s", (needle, haystack, expected) => {
    expect(caselessFinder(needle)(Buffer.from(haystack, "utf8"))).toBe(expected);
  });

  it("agrees with a search of the lower-cased haystack", () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (const alphabet of ["aA", "aAbB-", "eE -7fFx\n", "\0\xff\xc0\xe0aA"]) {
      const pick = (length: number) => Array.from({ length }, () => alphabet[random(alphabet.length)]).join("");
      for (let round = 0; round < 2000; round++) {
        const needle = pick(1 + random(6)).replace(/[^\x20-\x7e\n]/g, "a");
        const haystack = Buffer.from(pick(random(80)), "latin1");
        const expected = haystack.toString("latin1").toLowerCase().includes(needle.toLowerCase());
        expect(caselessFinder(needle)(haystack), `${needle} in ${haystack.toString("latin1")}`).toBe(expected);
      }
    }
  });
});

describe("anyFinder", () => {
  const finders = (...needles: string[]) => needles.map((needle) => byteFinder(Buffer.from(needle)));
  it.each([
    [["TODO", "FIXME"], "a FIXME", true],
    [["TODO", "FIXME"], "a TODO", true],
    [["TODO", "FIXME"], "a FIXM TOD", false],
    [["TODO"], "TODO", true], // one finder is that finder
    [["TODO"], "nothing", false],
    [[], "anything", false], // no needle is ever found
  ])("%j in %j: %s", (needles, haystack, expected) => {
    expect(anyFinder(finders(...needles))(Buffer.from(haystack))).toBe(expected);
  });
});
