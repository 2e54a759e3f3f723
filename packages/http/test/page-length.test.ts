import { flagNames, optionNames } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import {
  bytesForChars,
  DEFAULT_MAX_LENGTH_LIMIT,
  overLimitNote,
  pageLength,
  resolveLengthSettings,
  shownAsRead,
} from "../src/page-length.js";

describe("pageLength", () => {
  it.each<[string, number | undefined, number, number, { length: number; overLimit?: number }]>([
    ["no max_length: the default", undefined, 10_000, 100_000, { length: 10_000 }],
    ["under the limit", 5_000, 10_000, 100_000, { length: 5_000 }],
    ["exactly the limit", 100_000, 10_000, 100_000, { length: 100_000 }],
    ["one over the limit", 100_001, 10_000, 100_000, { length: 100_000, overLimit: 100_001 }],
    ["far over the limit", 1e12, 10_000, 100_000, { length: 100_000, overLimit: 1e12 }],
    ["huge", Number.MAX_VALUE, 10_000, 100_000, { length: 100_000, overLimit: Number.MAX_VALUE }],
    ["a fraction is floored", 99.9, 10_000, 100_000, { length: 99 }],
    ["a fraction over the limit", 100_000.5, 10_000, 100_000, { length: 100_000 }],
    ["never below one character", 0.5, 10_000, 100_000, { length: 1 }],
    ["a default over the limit (library misuse) still obeys it", undefined, 500, 100, { length: 100 }],
  ])("%s", (_case, asked, defaultLength, limit, expected) => {
    expect(pageLength(asked, defaultLength, limit)).toEqual(expected);
  });
});

const flags = flagNames({
  "max-length": { type: "string", env: "MCP_HTTP_MAX_LENGTH", valueName: "N", description: "" },
  "max-length-limit": { type: "string", env: "MCP_HTTP_MAX_LENGTH_LIMIT", valueName: "N", description: "" },
});

describe("resolveLengthSettings", () => {
  it.each([
    ["no limit given: the default ceiling", 10_000, undefined, { maxLength: 10_000, maxLengthLimit: 100_000 }],
    [
      "no limit given, a larger default: the ceiling follows it",
      250_000,
      undefined,
      {
        maxLength: 250_000,
        maxLengthLimit: 250_000,
      },
    ],
    ["a lower limit", 1_000, 5_000, { maxLength: 1_000, maxLengthLimit: 5_000 }],
    ["a higher limit", 10_000, 1_000_000, { maxLength: 10_000, maxLengthLimit: 1_000_000 }],
    ["default equal to the limit", 2_000, 2_000, { maxLength: 2_000, maxLengthLimit: 2_000 }],
    // A ceiling alone is a complete setting: the unset default follows it down, and is never refused for it.
    ["only a lower limit: the default follows it", undefined, 5_000, { maxLength: 5_000, maxLengthLimit: 5_000 }],
    ["only a higher limit", undefined, 500_000, { maxLength: 10_000, maxLengthLimit: 500_000 }],
    ["neither", undefined, undefined, { maxLength: 10_000, maxLengthLimit: 100_000 }],
  ])("%s", (_case, maxLength, limit, expected) => {
    expect(resolveLengthSettings(maxLength, limit, optionNames)).toEqual(expected);
  });

  it.each<[string, number, number | undefined, typeof optionNames, string]>([
    [
      "a default over the limit, in option names",
      20_000,
      5_000,
      optionNames,
      "maxLength: 20000 is over maxLengthLimit: 5000: lower the first or raise the second to 20000",
    ],
    [
      "a default over the limit, in flag names",
      20_000,
      5_000,
      flags,
      "--max-length 20000 (MCP_HTTP_MAX_LENGTH) is over --max-length-limit 5000 (MCP_HTTP_MAX_LENGTH_LIMIT): lower the first or raise the second to 20000",
    ],
    ["a zero limit", 10, 0, optionNames, "maxLengthLimit must be a whole number ≥ 1, got 0"],
    ["a fractional limit", 10, 1.5, optionNames, "maxLengthLimit must be a whole number ≥ 1, got 1.5"],
    ["a zero default", 0, 10, optionNames, "maxLength must be a whole number ≥ 1, got 0"],
  ])("refuses %s", (_case, maxLength, limit, names, message) => {
    expect(() => resolveLengthSettings(maxLength, limit, names)).toThrow(new RangeError(message));
  });

  it("has a default ceiling of 100 000 characters", () => {
    expect(DEFAULT_MAX_LENGTH_LIMIT).toBe(100_000);
  });
});

describe("overLimitNote", () => {
  it.each([
    [
      1e12,
      100_000,
      100_000,
      "maxLengthLimit",
      "[max_length 1000000000000 is over this server's limit of 100000 characters per result, set by maxLengthLimit; returned 100000 characters]",
    ],
    [
      1e300,
      50,
      49,
      "--max-length-limit N (MCP_HTTP_MAX_LENGTH_LIMIT)",
      "[max_length 1e+300 is over this server's limit of 50 characters per result, set by --max-length-limit N (MCP_HTTP_MAX_LENGTH_LIMIT); returned 49 characters]",
    ],
  ])("max_length %d over %d, %d returned, via %s", (asked, limit, returned, setting, expected) => {
    const note = overLimitNote(asked, limit, returned, setting);
    expect(note).toBe(expected);
    expect(note).not.toContain("\n");
  });
});

describe("shownAsRead", () => {
  it.each<[string | undefined, boolean, boolean]>([
    ["text/plain", false, true],
    ["text/csv; charset=utf-8", false, true],
    ["TEXT/Markdown", false, true],
    ["text/html", false, false],
    ["text/html; charset=utf-8", true, true],
    ["application/json", false, false],
    ["application/json", true, true],
    ["application/problem+json", true, true],
    ["application/xml", true, true],
    ["application/octet-stream", true, false],
    ["image/png", true, false],
    [undefined, true, false],
    ["", false, false],
  ])("%j with raw %s: %s", (type, raw, expected) => {
    expect(shownAsRead(type, raw)).toBe(expected);
  });
});

describe("bytesForChars", () => {
  it.each([
    ["ASCII", "a"],
    ["two-byte UTF-8", "é"],
    ["three-byte UTF-8", "語"],
    ["four-byte UTF-8 (two UTF-16 units)", "😀"],
  ])("holds more than N characters of %s text", (_name, char) => {
    const text = char.repeat(200);
    const prefix = Buffer.from(text).subarray(0, bytesForChars(20));
    expect(new TextDecoder().decode(prefix).length).toBeGreaterThan(20);
  });
});
