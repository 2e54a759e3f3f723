import { describe, expect, it } from "vitest";
import { type CliSpec, parseCli, UsageError } from "../src/cli-options.js";
import {
  parseWholeNumber,
  type WholeNumberRange,
  type WholeNumberRule,
  wholeNumberOption,
  wholeNumberProblem,
} from "../src/whole-number.js";

describe("parseWholeNumber", () => {
  it.each<[string | undefined, WholeNumberRule, number]>([
    ["12", {}, 12],
    ["0", {}, 0],
    ["007", {}, 7],
    [" 12 ", {}, 12],
    ["12\n", {}, 12],
    ["1", { min: 1 }, 1],
    ["65535", { min: 0, max: 65535 }, 65535],
    ["9007199254740991", {}, Number.MAX_SAFE_INTEGER],
    [undefined, { fallback: 9 }, 9],
    ["", { fallback: 9 }, 9],
    ["   ", { fallback: 9 }, 9],
    ["0", { min: 0, fallback: 9 }, 0],
  ])("reads %j with %j as %d", (text, rule, expected) => {
    expect(parseWholeNumber(text, "--n", rule)).toBe(expected);
  });

  it.each<[string | undefined, WholeNumberRule, string]>([
    ["0x10", { min: 1 }, 'must be a whole number ≥ 1, got "0x10"'],
    ["1e3", { min: 1 }, 'must be a whole number ≥ 1, got "1e3"'],
    ["0b11", {}, 'must be a whole number ≥ 0, got "0b11"'],
    ["0o7", {}, 'must be a whole number ≥ 0, got "0o7"'],
    ["+5", {}, 'must be a whole number ≥ 0, got "+5"'],
    ["-1", {}, 'must be a whole number ≥ 0, got "-1"'],
    ["-0", {}, 'must be a whole number ≥ 0, got "-0"'],
    ["1.0", {}, 'must be a whole number ≥ 0, got "1.0"'],
    ["1.5", {}, 'must be a whole number ≥ 0, got "1.5"'],
    [".5", {}, 'must be a whole number ≥ 0, got ".5"'],
    ["1 000", {}, 'must be a whole number ≥ 0, got "1 000"'],
    ["1_000", {}, 'must be a whole number ≥ 0, got "1_000"'],
    ["1,000", {}, 'must be a whole number ≥ 0, got "1,000"'],
    ["Infinity", {}, 'must be a whole number ≥ 0, got "Infinity"'],
    ["NaN", {}, 'must be a whole number ≥ 0, got "NaN"'],
    ["ten", {}, 'must be a whole number ≥ 0, got "ten"'],
    ["١٢", {}, 'must be a whole number ≥ 0, got "١٢"'],
    ["１２", {}, 'must be a whole number ≥ 0, got "１２"'],
    ["12\n13", {}, 'must be a whole number ≥ 0, got "12\\n13"'],
    ["", {}, 'must be a whole number ≥ 0, got ""'],
    [undefined, { min: 1 }, 'must be a whole number ≥ 1, got ""'],
    ["0", { min: 1 }, 'must be a whole number ≥ 1, got "0"'],
    ["999", { min: 1000 }, 'must be a whole number ≥ 1000, got "999"'],
    ["70000", { min: 0, max: 65535 }, 'must be a whole number from 0 to 65535, got "70000"'],
    ["9007199254740992", {}, 'must be a whole number from 0 to 9007199254740991, got "9007199254740992"'],
    ["99999999999999999999", { min: 1 }, "must be a whole number from 1 to 9007199254740991"],
  ])("refuses %j with %j, naming the option, its range and the text", (text, rule, message) => {
    expect(() => parseWholeNumber(text, "--n (N)", rule)).toThrow(UsageError);
    expect(() => parseWholeNumber(text, "--n (N)", rule)).toThrow(`--n (N) ${message}`);
  });
});

describe("wholeNumberOption", () => {
  const spec = {
    name: "demo",
    summary: "a demo",
    options: {
      "max-rows": { type: "string", env: "DEMO_MAX_ROWS", default: "100", description: "Rows." },
      depth: { type: "string", description: "Depth." },
    },
  } as const satisfies CliSpec;
  const read = (argv: string[], env: Record<string, string>, key: "max-rows" | "depth") =>
    wholeNumberOption(spec.options, parseCli(spec, argv, env).values, key, { min: 1 });

  it("reads the flag, else the environment, else the default; blank in the environment is the default", () => {
    expect(read(["--max-rows", "5"], { DEMO_MAX_ROWS: "7" }, "max-rows")).toBe(5);
    expect(read([], { DEMO_MAX_ROWS: "7" }, "max-rows")).toBe(7);
    expect(read([], {}, "max-rows")).toBe(100);
    expect(read([], { DEMO_MAX_ROWS: "" }, "max-rows")).toBe(100);
  });

  it("names the flag and its environment variable", () => {
    expect(() => read([], { DEMO_MAX_ROWS: "1e3" }, "max-rows")).toThrow(
      '--max-rows (DEMO_MAX_ROWS) must be a whole number ≥ 1, got "1e3"',
    );
    expect(() => read([], {}, "depth")).toThrow('--depth must be a whole number ≥ 1, got ""');
  });
});

describe("wholeNumberProblem", () => {
  it.each<[unknown, WholeNumberRange, string | undefined]>([
    [1, { min: 1 }, undefined],
    [0, {}, undefined],
    [65535, { max: 65535 }, undefined],
    [0, { min: 1 }, "limit must be a whole number ≥ 1, got 0"],
    [-1, {}, "limit must be a whole number ≥ 0, got -1"],
    [1.5, { min: 1 }, "limit must be a whole number ≥ 1, got 1.5"],
    [Number.NaN, {}, "limit must be a whole number ≥ 0, got NaN"],
    [Number.POSITIVE_INFINITY, {}, "limit must be a whole number from 0 to 9007199254740991, got Infinity"],
    [2 ** 53, {}, "limit must be a whole number from 0 to 9007199254740991, got 9007199254740992"],
    [70000, { max: 65535 }, "limit must be a whole number from 0 to 65535, got 70000"],
    ["5", {}, 'limit must be a whole number ≥ 0, got "5"'],
    [5n, {}, "limit must be a whole number ≥ 0, got 5"],
    [undefined, {}, "limit must be a whole number ≥ 0, got undefined"],
    [null, {}, "limit must be a whole number ≥ 0, got null"],
  ])("judges %s with %j", (value, range, expected) => {
    expect(wholeNumberProblem(value, "limit", range)).toBe(expected);
  });
});
