import { describe, expect, it } from "vitest";
import { arrayArgs, placeholdersOf } from "../src/numbered-params.js";

describe("placeholdersOf", () => {
  it.each([
    ["SELECT ?", [], [1], false],
    ["SELECT ?1, ?2", [1, 2], [], false],
    ["SELECT ?2, ?1, ?1", [1, 2], [], false],
    ["SELECT ?2, ?", [2], [3], false],
    ["SELECT ?, ?1", [1], [], false],
    ["SELECT '?1', \"?2\", [?3], `?4` -- ?5\n, ? /* ?6 */", [], [1], false],
    ["SELECT :a, ?1", [1], [], true],
    ["SELECT ?12", [12], [], false],
  ])("%j", (sql, numbered, plain, named) => {
    expect(placeholdersOf(sql)).toEqual({ numbered: new Set(numbered), plain, named });
  });
});

describe("arrayArgs", () => {
  it.each([
    ["SELECT ?, ?", ["a", "b"], ["a", "b"]],
    ["SELECT ?1, ?2", ["a", "b"], [{ 1: "a", 2: "b" }]],
    ["SELECT ?2, ?1", ["a", "b"], [{ 1: "a", 2: "b" }]],
    ["SELECT ?1 || ?1", ["a"], [{ 1: "a" }]],
    ["SELECT ?2, ?", ["a", "b", "c"], ["a", "c", { 2: "b" }]],
    ["SELECT ?3", ["a", "b", "c"], ["a", "b", { 3: "c" }]],
    ["SELECT ?1", [], []],
    ["SELECT :x, ?1", ["a"], ["a"]],
  ])("%j with %j", (sql, values, args) => {
    expect(arrayArgs(values, sql)).toEqual(args);
  });

  it.each([
    ["SELECT ?1, ?2", ["a"]],
    ["SELECT ?1", ["a", "b"]],
    ["SELECT ?2", ["a"]],
  ])("refuses %j with %j, saying how many to send", (sql, values) => {
    expect(() => arrayArgs(values, sql)).toThrow(
      /params has \d values but the statement's placeholders go up to \?\d; send exactly \d/,
    );
  });
});
