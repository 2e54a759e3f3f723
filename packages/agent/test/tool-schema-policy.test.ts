import { describe, expect, it } from "vitest";
import { toolSchemaProblem } from "../src/tool-schema-policy.js";

const NOT_OBJECT = 'its inputSchema is not a JSON Schema of type "object"';
const union = (keys: string) =>
  `its inputSchema has ${keys} at the top level, which the Messages API refuses (a fix for the server: put the alternatives under a property)`;
const alternatives = [{ properties: { a: { type: "string" } } }, { properties: { b: { type: "number" } } }];

describe("toolSchemaProblem", () => {
  it.each([
    ["an object schema", { name: "t", inputSchema: { type: "object", properties: {} } }, undefined],
    ["an object schema with no properties", { name: "t", inputSchema: { type: "object" } }, undefined],
    [
      "a union under a property",
      { name: "t", inputSchema: { type: "object", properties: { v: { oneOf: [{ type: "string" }] } } } },
      undefined,
    ],
    ["no name", { inputSchema: { type: "object" } }, "it has no name"],
    ["not an object at all", null, "it has no name"],
    ["no inputSchema", { name: "t" }, NOT_OBJECT],
    ["a string schema", { name: "t", inputSchema: { type: "string" } }, NOT_OBJECT],
    ["a null schema", { name: "t", inputSchema: null }, NOT_OBJECT],
    ["an array for a schema", { name: "t", inputSchema: [] }, NOT_OBJECT],
    ["a union with no type", { name: "t", inputSchema: { oneOf: alternatives } }, NOT_OBJECT],
    ["top-level oneOf", { name: "t", inputSchema: { type: "object", oneOf: alternatives } }, union("oneOf")],
    ["top-level anyOf", { name: "t", inputSchema: { type: "object", anyOf: alternatives } }, union("anyOf")],
    ["top-level allOf", { name: "t", inputSchema: { type: "object", allOf: alternatives } }, union("allOf")],
    [
      "two of them",
      { name: "t", inputSchema: { type: "object", anyOf: alternatives, allOf: alternatives } },
      union("anyOf/allOf"),
    ],
  ])("%s", (_, listed, problem) => {
    expect(toolSchemaProblem(listed)).toBe(problem);
  });
});
