import { describe, expect, it } from "vitest";
import {
  checkLibraryOptions,
  libraryOptionsProblem,
  type OptionRule,
  optionRule as rule,
} from "../src/library-options.js";
import { errorWith } from "./matchers.js";

const rules: Record<string, OptionRule> = {
  root: rule.aka(rule.required(rule.either(rule.text, rule.texts, "a directory path or an array of them")), "dir"),
  readOnly: rule.boolean,
  maxRows: rule.wholeNumber(1),
  confirm: rule.oneOf("never", "destructive"),
  logger: rule.logger,
  lookup: rule.function,
  credentials: rule.object,
};
const logger = { debug() {}, info() {}, warn() {}, error() {} };

describe("libraryOptionsProblem", () => {
  it.each<[string, unknown]>([
    ["only the required option", { root: "/srv" }],
    ["an array where either is allowed", { root: ["/a", "/b"] }],
    [
      "every option",
      { root: "/srv", readOnly: false, maxRows: 1, confirm: "destructive", logger, lookup() {}, credentials: {} },
    ],
    ["undefined as not given", { root: "/srv", readOnly: undefined, maxRows: undefined }],
    ["a class instance as an object", { root: "/srv", credentials: new Map() }],
  ])("accepts %s", (_, options) => {
    expect(libraryOptionsProblem("createX", options, rules)).toBeUndefined();
  });

  it.each<[string, unknown, string]>([
    [
      "no options object",
      undefined,
      "createX takes an options object (root, readOnly, maxRows, confirm, logger, lookup, credentials), got undefined",
    ],
    [
      "a string for the object",
      "/srv",
      'createX takes an options object (root, readOnly, maxRows, confirm, logger, lookup, credentials), got "/srv"',
    ],
    ["an array for the object", ["/srv"], "got an array of 1"],
    ["null for the object", null, "got null"],
    [
      "a plural for a singular",
      { roots: "/srv" },
      'createX: unknown option "roots" — did you mean "root"? (its options: root, readOnly',
    ],
    ["another case", { readonly: true, root: "/srv" }, 'unknown option "readonly" — did you mean "readOnly"?'],
    ["two edits away", { root: "/srv", maxRow: 5, loger: logger }, 'unknown option "maxRow" — did you mean "maxRows"?'],
    ["another name for an option", { dir: "/srv" }, 'createX: unknown option "dir" — did you mean "root"?'],
    ["nothing near", { root: "/srv", database: "x.db" }, 'createX: unknown option "database" (its options: root,'],
    ["a missing required option", {}, "createX: option root is required (a directory path or an array of them)"],
    ["undefined for a required option", { root: undefined }, "option root is required"],
    ["an empty path", { root: "" }, 'root must be a directory path or an array of them, got ""'],
    ["a list with a non-string", { root: ["/a", 3] }, "got an array of 2"],
    ["a string for a boolean", { root: "/srv", readOnly: "yes" }, 'readOnly must be true or false, got "yes"'],
    ["a fraction for a count", { root: "/srv", maxRows: 1.5 }, "maxRows must be a whole number ≥ 1, got 1.5"],
    ["a numeric string for a count", { root: "/srv", maxRows: "10" }, 'got "10"'],
    ["zero below the minimum", { root: "/srv", maxRows: 0 }, "must be a whole number ≥ 1, got 0"],
    [
      "a value outside the choices",
      { root: "/srv", confirm: "always" },
      'confirm must be one of "never", "destructive", got "always"',
    ],
    [
      "console.log for a logger",
      { root: "/srv", logger: console.log },
      "logger must be a logger: an object with debug, info, warn and error functions, got a function",
    ],
    ["a half logger", { root: "/srv", logger: { info() {} } }, "got an object"],
    ["a string for a function", { root: "/srv", lookup: "dns" }, 'lookup must be a function, got "dns"'],
    ["null for an object", { root: "/srv", credentials: null }, "credentials must be an object, got null"],
    ["a long string, cut", { root: "/srv", confirm: "x".repeat(100) }, `got "${"x".repeat(57)}..."`],
  ])("refuses %s", (_, options, message) => {
    expect(libraryOptionsProblem("createX", options, rules)).toContain(message);
  });
});

describe("checkLibraryOptions", () => {
  it("throws a TypeError with the problem", () => {
    expect(() => checkLibraryOptions("createX", { roots: "/srv" }, rules)).toThrow(
      new TypeError(
        'createX: unknown option "roots" — did you mean "root"? (its options: root, readOnly, maxRows, confirm, logger, lookup, credentials)',
      ),
    );
  });

  // A value of the wrong kind is a TypeError; a number that is one, but out of range, a RangeError.
  it.each<[string, unknown, { readonly name: string }, string]>([
    ["no options object", undefined, TypeError, "createX takes an options object"],
    ["an unknown option", { root: "/srv", maxRow: 5 }, TypeError, 'unknown option "maxRow"'],
    ["a missing required option", {}, TypeError, "option root is required"],
    ["an empty path", { root: "" }, TypeError, 'root must be a directory path or an array of them, got ""'],
    ["a string for a boolean", { root: "/srv", readOnly: "yes" }, TypeError, "readOnly must be true or false"],
    [
      "a numeric string for a count",
      { root: "/srv", maxRows: "10" },
      TypeError,
      'maxRows must be a whole number ≥ 1, got "10"',
    ],
    ["a value outside the choices", { root: "/srv", confirm: "always" }, TypeError, "confirm must be one of"],
    ["null for an object", { root: "/srv", credentials: null }, TypeError, "credentials must be an object, got null"],
    ["zero below the minimum", { root: "/srv", maxRows: 0 }, RangeError, "maxRows must be a whole number ≥ 1, got 0"],
    ["a fraction for a count", { root: "/srv", maxRows: 1.5 }, RangeError, "got 1.5"],
    ["a negative count", { root: "/srv", maxRows: -3 }, RangeError, "got -3"],
    ["past the safe integers", { root: "/srv", maxRows: 2 ** 60 }, RangeError, "maxRows must be a whole number ≥ 1"],
    ["infinity for a count", { root: "/srv", maxRows: Number.POSITIVE_INFINITY }, RangeError, "got Infinity"],
  ])("throws for %s a %O", (_, options, kind, message) => {
    expect(() => checkLibraryOptions("createX", options, rules)).toThrow(errorWith(kind, message));
    expect(libraryOptionsProblem("createX", options, rules)).toContain(message);
  });

  it("returns quietly for good options", () => {
    expect(() => checkLibraryOptions("createX", { root: "/srv" }, rules)).not.toThrow();
  });
});
