import { describe, expect, it } from "vitest";
import { z } from "zod";
import { z as z3 } from "zod/v3";
import { registerTools, type ToolDefinition } from "../src/tool.js";
import { shapeProblem } from "../src/tool-shape.js";
import { createEchoServer } from "./fixtures.js";

describe("shapeProblem", () => {
  it.each<[string, unknown]>([
    ["no fields", {}],
    ["zod 4 fields", { path: z.string(), depth: z.number().optional() }],
    ["a zod 4 object field", { body: z.object({ a: z.string() }) }],
  ])("accepts %s", (_, shape) => {
    expect(shapeProblem("t", "inputSchema", shape)).toBeUndefined();
  });

  it.each<[string, unknown, string]>([
    [
      "a zod 3 field",
      { text: z3.string() },
      'tool t: inputSchema.text is a zod 3 schema, not a zod 4 schema: define it with zod 4, the project "zod" at ^4.6 that @mcp-toolkit/core uses too',
    ],
    ["a type name instead of a schema", { text: "string" }, 'tool t: inputSchema.text is the string "string", not'],
    ["a missing field", { text: undefined }, "tool t: inputSchema.text is a value of type undefined, not"],
    [
      "a zod object instead of its shape",
      z.object({ a: z.string() }),
      "tool t: inputSchema is a zod schema; give its fields instead, as an object of zod 4 schemas ({ path: z.string() }, or z.object(…).shape)",
    ],
    [
      "an array",
      [z.string()],
      "tool t: inputSchema must be an object of zod 4 schemas ({ path: z.string() }), got an array",
    ],
    ["null", null, "tool t: inputSchema must be an object of zod 4 schemas ({ path: z.string() }), got null"],
  ])("refuses %s, naming the field", (_, shape, message) => {
    expect(shapeProblem("t", "inputSchema", shape)).toContain(message);
  });
});

describe("registerTools", () => {
  const hints = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

  it("refuses a zod 3 tool when it is registered, not at the first tools/list", () => {
    const server = createEchoServer();
    // What plain JavaScript on zod 3 registers; TypeScript refuses it.
    const count = {
      name: "count",
      title: "Count",
      description: "Count characters.",
      inputSchema: { text: z3.string() },
      annotations: hints,
      handler: async () => ({ content: [] }),
    } as unknown as ToolDefinition;
    expect(() => registerTools(server, [count])).toThrow(
      new TypeError(
        'tool count: inputSchema.text is a zod 3 schema, not a zod 4 schema: define it with zod 4, the project "zod" at ^4.6 that @mcp-toolkit/core uses too',
      ),
    );
  });

  it("checks an output schema too", () => {
    const tool = {
      name: "sized",
      title: "Sized",
      description: "Says a size.",
      inputSchema: {},
      outputSchema: { bytes: "number" },
      annotations: hints,
      handler: async () => ({ content: [] }),
    } as unknown as ToolDefinition;
    expect(() => registerTools(createEchoServer(), [tool])).toThrow(
      /^tool sized: outputSchema\.bytes is the string "number"/,
    );
  });
});
