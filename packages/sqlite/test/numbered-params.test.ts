import { describe, expect, it } from "vitest";
import {
  arrayArgs,
  numberedObjectValues,
  objectArgs,
  placeholderSummary,
  placeholdersOf,
} from "../src/numbered-params.js";

describe("placeholdersOf", () => {
  it.each([
    ["SELECT ?", [], [1], []],
    ["SELECT ?1, ?2", [1, 2], [], []],
    ["SELECT ?2, ?1, ?1", [1, 2], [], []],
    ["SELECT ?2, ?", [2], [3], []],
    ["SELECT ?, ?1", [1], [], []],
    ["SELECT '?1', \"?2\", [?3], `?4` -- ?5\n, ? /* ?6 */", [], [1], []],
    ["SELECT :a, ?1", [1], [], [":a"]],
    ["SELECT ?12", [12], [], []],
    ["SELECT :id, @name_2, $x, :id, ':no'", [], [], [":id", "@name_2", "$x"]],
  ])("%j", (sql, numbered, plain, names) => {
    expect(placeholdersOf(sql)).toEqual({ numbered: new Set(numbered), plain, named: names.length > 0, names });
  });
});

describe("placeholderSummary", () => {
  it.each([
    ["SELECT 1", ""],
    ["SELECT '?', \":x\"", ""],
    [
      "SELECT ?",
      'it takes 1 value by position (?1): send params as an array of 1 (or an object numbering them, {"1": …})',
    ],
    [
      "SELECT fts5(?1)",
      'it takes 1 value by position (?1): send params as an array of 1 (or an object numbering them, {"1": …})',
    ],
    [
      "SELECT ?2, ?",
      'it takes 3 values by position (?1, ?2, ?3): send params as an array of 3 (or an object numbering them, {"1": …, "2": …, …})',
    ],
    [
      "SELECT ?9",
      'it takes 9 values by position (?1 … ?9): send params as an array of 9 (or an object numbering them, {"1": …, "2": …, …})',
    ],
    ["SELECT :a, @b", 'it takes :a, @b by name: send params as an object, {"a": …, "b": …}'],
    ["SELECT :a, :b, :c, :d", 'it takes :a, :b, :c, :d by name: send params as an object, {"a": …, "b": …, "c": …, …}'],
    [
      "SELECT ?, ?, ?, :a, :b",
      'it takes 3 values by position (?1 … ?3) and :a, :b by name: send params as one object, {"1": …, "2": …, "a": …, …}, keying each ? by its number',
    ],
    [
      "SELECT ?, :a",
      'it takes 1 value by position (?1) and :a by name: send params as one object, {"1": …, "a": …}, keying each ? by its number',
    ],
  ])("%j", (sql, summary) => {
    expect(placeholderSummary(sql)).toBe(summary);
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

describe("numberedObjectValues", () => {
  it.each<[Record<string, unknown>, string, unknown[] | undefined]>([
    [{ "1": "a", "2": "b" }, "SELECT ?, ?", ["a", "b"]],
    [{ "2": "b", "1": "a" }, "SELECT ?, ?", ["a", "b"]],
    [{ "1": "a", "2": "b" }, "SELECT ?1, ?", ["a", "b"]],
    // ?NNN alone binds by name already; named parameters, or other keys, bind by name.
    [{ "1": "a" }, "SELECT ?1", undefined],
    [{ "1": "a" }, "SELECT ?, :x", undefined],
    [{ "1": "a", x: "b" }, "SELECT ?", undefined],
    [{ "01": "a" }, "SELECT ?", undefined],
    [{}, "SELECT ?", undefined],
    [{ n: 1 }, "SELECT :n", undefined],
  ])("%j for %s: %j", (values, sql, expected) => {
    expect(numberedObjectValues(values, sql)).toEqual(expected);
  });

  it.each([
    [{ "1": "a", "3": "c" }, "params numbers its values 1, 3"],
    [{ "2": "b" }, "params numbers its values 2"],
  ])("refuses numbers with a gap: %j", (values, message) => {
    expect(() => numberedObjectValues(values, "SELECT ?, ?")).toThrow(message);
  });
});

describe("objectArgs", () => {
  it.each<[Record<string, unknown>, string, unknown[]]>([
    [{ id: 1 }, "SELECT :id", [{ id: 1 }]],
    [{ id: 1, n: 2 }, "SELECT :id, @n", [{ id: 1, n: 2 }]],
    [{ "1": "a", "2": "b" }, "SELECT ?, ?", ["a", "b"]],
    [{ "1": "a" }, "SELECT ?1", [{ "1": "a" }]],
    [{ "1": "a", x: "b" }, "SELECT ?1, :x", [{ "1": "a", x: "b" }]],
    // Plain ?s beside names: the ?s by position, in order, then the names in one object.
    [{ "1": "a", x: "b" }, "SELECT ?, :x", ["a", { x: "b" }]],
    [{ x: "b", "2": "d", "1": "c" }, "SELECT :x, ?, ?", ["c", "d", { x: "b" }]],
    [{}, "SELECT 1", [{}]],
    [{ "1": 1, "2": 2, "3": 3, a: "x", b: "y" }, "SELECT ?, ?, ?, :a, :b", [1, 2, 3, { a: "x", b: "y" }]],
    // Any name SQLite reads: non-ASCII letters, a leading digit; and its Tcl forms, whose names this does not read.
    [{ größe: 1, 名: 2 }, "SELECT :größe, @名", [{ größe: 1, 名: 2 }]],
    [{ "1": "a" }, "SELECT :1", [{ "1": "a" }]],
    [{ "a::b": 1 }, "SELECT $a::b", [{ "a::b": 1 }]],
  ])("%j for %s: %j", (values, sql, args) => {
    expect(objectArgs(values, sql)).toEqual(args);
  });

  it("binds a name that is also an Object.prototype key, as JSON params carry it", () => {
    const [named] = objectArgs(JSON.parse('{"__proto__": 5}'), "SELECT :__proto__") as [Record<string, unknown>];
    expect(Object.getOwnPropertyDescriptor(named, "__proto__")?.value).toBe(5);
  });

  it.each<[Record<string, unknown>, string, string]>([
    [
      { id: 1, idd: 2 },
      "SELECT :id",
      'params.idd: the statement has no placeholder :idd (did you mean "id"?); it takes :id by name: send params as an object, {"id": …}',
    ],
    [{ x: 1 }, "SELECT 1", "params.x: the statement has no placeholder :x; it takes no params: leave params out"],
    [
      { "2": "b", x: 1 },
      "SELECT ?, :x",
      'params.2: the statement has no placeholder for "2"; it takes 1 value by position (?1) and :x by name: send params as one object, {"1": …, "x": …}, keying each ? by its number',
    ],
    [
      { "2": 3, a: 1 },
      "SELECT ?, ?, :a",
      'params numbers its ?s 2: number them from 1 without a gap ({"1": …, "2": …}, one per ? in order)',
    ],
  ])("refuses %j for %s, naming what it takes", (values, sql, message) => {
    expect(() => objectArgs(values, sql)).toThrow(message);
  });
});
