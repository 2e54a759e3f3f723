import { describe, expect, it } from "vitest";
import { portabilityProblems, portable } from "../src/portable-schema.js";

describe("portable", () => {
  it.each([
    [
      "drops $schema at every level",
      { $schema: "x", type: "object", properties: { a: { $schema: "y", type: "string" } } },
      { type: "object", properties: { a: { type: "string" } } },
    ],
    [
      "spells a type array as anyOf",
      { type: ["string", "null"], description: "d" },
      { description: "d", anyOf: [{ type: "string" }, { type: "null" }] },
    ],
    [
      "inside items",
      { type: "array", items: { type: ["number", "boolean"] } },
      { type: "array", items: { anyOf: [{ type: "number" }, { type: "boolean" }] } },
    ],
    [
      "gives an array that may hold anything items: {}, which some clients require",
      {
        type: "object",
        properties: { a: { type: "array" }, b: { type: ["array", "object"] }, c: { type: "array", items: {} } },
      },
      {
        type: "object",
        properties: {
          a: { type: "array", items: {} },
          b: { anyOf: [{ type: "array", items: {} }, { type: "object" }] },
          c: { type: "array", items: {} },
        },
      },
    ],
    [
      "joins an existing anyOf",
      { type: ["null"], anyOf: [{ type: "string" }] },
      { anyOf: [{ type: "string" }, { type: "null" }] },
    ],
  ])("%s", (_, input, expected) => {
    expect(portable(input as Record<string, unknown>)).toEqual(expected);
  });
});

describe("portabilityProblems", () => {
  it.each([
    ["a typed object", { type: "object", properties: { a: { type: "string" } } }, []],
    ["an enum", { type: "object", properties: { a: { enum: ["x", "y"] } } }, []],
    [
      "typed anyOf members",
      { type: "object", properties: { a: { anyOf: [{ type: "string" }, { type: "null" }] } } },
      [],
    ],
    ["a property with no type", { type: "object", properties: { a: {} } }, ["$.a: no type"]],
    [
      "a type array",
      { type: "object", properties: { a: { type: ["string", "number"] } } },
      ['$.a: type is an array (["string","number"])'],
    ],
    ["array items that may be any JSON", { type: "object", properties: { a: { type: "array", items: {} } } }, []],
    [
      "an array with no items",
      { type: "object", properties: { a: { anyOf: [{ type: "array" }, { type: "object" }] } } },
      ["$.a.anyOf[0]: an array with no items"],
    ],
    [
      "a type array in items",
      { type: "object", properties: { a: { type: "array", items: { type: ["string", "null"] } } } },
      ['$.a[]: type is an array (["string","null"])'],
    ],
    [
      "an untyped anyOf member",
      { type: "object", properties: { a: { anyOf: [{ type: "string" }, {}] } } },
      ["$.a: no type", "$.a.anyOf[1]: no type"],
    ],
    [
      "a nested object",
      { type: "object", properties: { a: { type: "object", properties: { b: {} } } } },
      ["$.a.b: no type"],
    ],
  ])("%s", (_, schema, problems) => {
    expect(portabilityProblems(schema as Record<string, unknown>)).toEqual(problems);
  });
});
