import { describe, expect, it } from "vitest";
import { type FieldSchema, fieldQuestion, parseField } from "../src/elicit.js";

const colour: FieldSchema = { type: "string", enum: ["red", "green"], default: "green" };
const age: FieldSchema = { type: "integer", minimum: 0, maximum: 150 };

describe("parseField", () => {
  it.each<[string, FieldSchema, string, boolean, unknown]>([
    ["text", { type: "string" }, "Ada", true, { value: "Ada" }],
    ["empty required", { type: "string" }, "  ", true, { error: "an answer is required" }],
    ["empty optional", { type: "string" }, "", false, { skip: true }],
    ["empty with a default", colour, "", true, { value: "green" }],
    ["a choice", colour, "red", true, { value: "red" }],
    ["not a choice", colour, "blue", true, { error: "choose one of red, green" }],
    ["oneOf consts", { type: "string", oneOf: [{ const: "a" }, { const: "b" }] }, "b", true, { value: "b" }],
    ["integer", age, "42", true, { value: 42 }],
    ["not an integer", age, "4.5", true, { error: "an integer is needed, e.g. 42" }],
    ["hex is not a number", age, "0x10", true, { error: "an integer is needed, e.g. 42" }],
    ["below minimum", age, "-1", true, { error: "at least 0" }],
    ["above maximum", age, "200", true, { error: "at most 150" }],
    ["number", { type: "number" }, "2.5", true, { value: 2.5 }],
    ["yes", { type: "boolean" }, "y", true, { value: true }],
    ["no", { type: "boolean" }, "No", true, { value: false }],
    ["not a boolean", { type: "boolean" }, "maybe", true, { error: "answer y or n" }],
  ])("%s", (_what, schema, raw, required, expected) => {
    expect(parseField(schema, raw, required)).toEqual(expected);
  });
});

describe("fieldQuestion", () => {
  it.each<[string, FieldSchema, boolean, string]>([
    ["name", { type: "string", title: "Name", description: "Your name" }, true, "  Name — Your name [string]: "],
    ["colour", colour, true, "  colour [red/green, default green]: "],
    ["age", age, false, "  age [integer, optional]: "],
    ["ok", { type: "boolean" }, true, "  ok [y/n]: "],
  ])("%s", (name, schema, required, expected) => {
    expect(fieldQuestion(name, schema, required)).toBe(expected);
  });
});
