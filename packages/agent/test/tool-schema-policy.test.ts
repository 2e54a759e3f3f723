import { describe, expect, it } from "vitest";
import { metaSchemaCheck, schemaCheckFor } from "../src/meta-schema.js";
import { firstSchemaError, toolSchemaProblem } from "../src/tool-schema-policy.js";

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
    [
      "a tool that runs only as a task",
      { name: "t", inputSchema: { type: "object" }, execution: { taskSupport: "required" } },
      'it runs only as a task (execution.taskSupport "required"), and this agent does not call tools as tasks',
    ],
    [
      "a tool that may run as a task",
      { name: "t", inputSchema: { type: "object" }, execution: { taskSupport: "optional" } },
      undefined,
    ],
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

const invalid = (error: string) =>
  `its inputSchema is not valid JSON Schema 2020-12, which the Messages API requires (inputSchema${error}; a fix for the server)`;
const object = (properties: Record<string, unknown>, rest: Record<string, unknown> = {}) => ({
  name: "t",
  inputSchema: { type: "object", properties, ...rest },
});

describe("toolSchemaProblem against JSON Schema 2020-12", () => {
  it.each([
    ["a plain schema", object({ a: { type: "string", description: "x" } }, { required: ["a"] }), undefined],
    [
      "draft-07 declared, valid in 2020-12 too",
      object(
        { a: { $ref: "#/definitions/x" } },
        { $schema: "http://json-schema.org/draft-07/schema#", definitions: { x: {} } },
      ),
      undefined,
    ],
    ["a union under a property", object({ v: { anyOf: [{ type: "string" }, { type: "null" }] } }), undefined],
    [
      "a pattern in another regex dialect (format only annotates)",
      object({ a: { type: "string", pattern: "(?i)ab" } }),
      undefined,
    ],
    [
      "a type that does not exist",
      object({ a: { type: "int" } }),
      invalid("/properties/a/type must be equal to one of the allowed values"),
    ],
    [
      "draft-03 required: true",
      object({ a: { type: "string", required: true } }),
      invalid("/properties/a/required must be array"),
    ],
    [
      "draft-04 exclusiveMinimum: true",
      object({ n: { type: "number", exclusiveMinimum: true } }),
      invalid("/properties/n/exclusiveMinimum must be number"),
    ],
    ["a property that is not a schema", object({ a: "string" }), invalid("/properties/a must be object,boolean")],
    [
      "tuple items as an array",
      object({ a: { type: "array", items: [{ type: "string" }] } }),
      invalid("/properties/a/items must be object,boolean"),
    ],
    ["required as a string", object({}, { required: "a" }), invalid("/required must be array")],
  ])("%s", async (_, listed, problem) => {
    expect(toolSchemaProblem(listed, await metaSchemaCheck())).toBe(problem);
  });

  it("holds a configured server's schemas to the meta-schema, and not a built-in server's, which are ours", async () => {
    expect(await schemaCheckFor({ builtin: true })).toBeUndefined();
    expect(await schemaCheckFor({ builtin: false })).toBe(await metaSchemaCheck());
  });

  it.each([
    ["data/a must be array, data/b must be number", "data/a must be array"],
    ['data/p must match format "regex", data/b must be number', "data/b must be number"],
    ['data/p must match format "regex"', undefined],
    ["data/i must be object,boolean, data/i must be object,boolean", "data/i must be object,boolean"],
  ])("firstSchemaError(%j)", (text, first) => {
    expect(firstSchemaError(text)).toBe(first);
  });
});
