import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  compileSchema,
  strictArgumentObject,
  takenElsewhere,
  unknownArgument,
  validateArguments,
} from "../src/schema.js";

describe("compileSchema", () => {
  it("converts once and hands every server the same portable JSON Schema", () => {
    const schema = compileSchema({ id: z.union([z.string(), z.number()]).describe("An id.") }, "input");
    const first = schema["~standard"].jsonSchema.input({ target: "draft-2020-12" });
    expect(schema["~standard"].jsonSchema.input({ target: "draft-2020-12" })).toBe(first);
    expect(first).toEqual({
      type: "object",
      properties: { id: { description: "An id.", anyOf: [{ type: "string" }, { type: "number" }] } },
      required: ["id"],
    });
  });

  it("validates with zod: defaults applied, messages naming the field", async () => {
    const schema = compileSchema({ n: z.number().int().default(3) }, "input");
    expect(await schema["~standard"].validate({})).toEqual({ value: { n: 3 } });
    const bad = await schema["~standard"].validate({ n: "x" });
    expect("issues" in bad && bad.issues?.[0]?.path).toEqual(["n"]);
  });
});

describe("unknownArgument", () => {
  const known = ["pattern", "content", "path", "max_results"];
  it.each<[string, unknown, string | undefined]>([
    ["only known names", { pattern: "*.md", content: "x" }, undefined],
    ["no arguments", {}, undefined],
    ["arguments that are not an object (left to the schema)", "x", undefined],
    ["null (left to the schema)", null, undefined],
    [
      "a name near a known one",
      { pattern: "**/*", grep: "x", contnet: "y" },
      "no arguments named grep, contnet (did you mean content?); it takes pattern, content, path, max_results",
    ],
    [
      "a different case",
      { Path: "a" },
      "no argument named Path (did you mean path?); it takes pattern, content, path, max_results",
    ],
    [
      "a name near nothing",
      { recursive: true },
      "no argument named recursive; it takes pattern, content, path, max_results",
    ],
    [
      "a prototype name",
      JSON.parse('{"__proto__": {"x": 1}}'),
      "no argument named __proto__; it takes pattern, content, path, max_results",
    ],
  ])("%s", (_, args, expected) => {
    expect(unknownArgument(args, known)).toBe(expected);
  });

  it("says a tool without arguments takes none", () => {
    expect(unknownArgument({ table: "t" }, [])).toBe("no argument named table; it takes none");
  });
});

describe("takenElsewhere", () => {
  const siblings = [
    { name: "http_get", argumentNames: ["url", "headers", "params"] },
    { name: "http_request", argumentNames: ["method", "url", "headers", "params", "body", "max_length", "raw"] },
    { name: "http_head", argumentNames: ["url", "max_length"] },
  ];
  it.each<[string[], string, string | undefined]>([
    [["max_length", "raw"], "http_get", "http_request takes max_length, raw"],
    [["max_length"], "http_get", "http_request takes max_length"],
    [["raw"], "http_request", undefined],
    [["max_length", "nonsense"], "http_get", undefined],
    [["url"], "http_request", "http_get takes url"],
  ])("%j refused by %s → %s", (extra, tool, expected) => {
    expect(takenElsewhere(extra, tool, siblings)).toBe(expected);
  });
});

describe("validateArguments", () => {
  const shape = { path: z.string().describe("file"), limit: z.number().int().optional() };
  const schema = compileSchema(shape, "input");
  const check = (args: unknown) => validateArguments(schema, args, "read_file", Object.keys(shape));

  it("passes known arguments through zod", async () => {
    expect(await check({ path: "a.txt", limit: 3 })).toEqual({ ok: true, value: { path: "a.txt", limit: 3 } });
  });

  it.each<[string, unknown, string]>([
    ["an unknown name, before anything else", { path: 1, lmit: 3 }, "lmit (did you mean limit?)"],
    ["a missing argument, said plainly", {}, "path: required, and missing"],
    ["a wrong type, in zod's words", { path: 3 }, "path: Invalid input: expected string, received number"],
  ])("refuses %s", async (_, args, message) => {
    const result = await check(args);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain("Input validation error: Invalid arguments for tool read_file: ");
    expect(!result.ok && result.message).toContain(message);
  });
});

describe("strictArgumentObject", () => {
  const shape = {
    path: z.string(),
    edits: z.array(strictArgumentObject({ oldText: z.string(), newText: z.string() })),
  };
  const schema = compileSchema(shape, "input");
  const check = (args: unknown) => validateArguments(schema, args, "edit_file", Object.keys(shape));

  it("passes items with only known keys", async () => {
    const args = { path: "a", edits: [{ oldText: "x", newText: "y" }] };
    expect(await check(args)).toEqual({ ok: true, value: args });
  });

  it.each<[string, unknown, string]>([
    [
      "an extra key, instead of dropping it",
      { oldText: "x", newText: "y", replaceAll: true },
      "edits.0: no field named replaceAll; it takes oldText, newText",
    ],
    [
      "a near miss, naming the key meant",
      { oldtext: "x", newText: "y" },
      "edits.0: no field named oldtext (did you mean oldText?); it takes oldText, newText",
    ],
    [
      "other names for the keys, said before the keys they leave missing, each issue after a semicolon",
      { old_string: "x", new_string: "y" },
      "edits.0: no fields named old_string, new_string; it takes oldText, newText; edits.0.oldText: required, and missing",
    ],
    [
      "a string where an item is an object, naming the object's fields",
      "x",
      'edits.0: expected an object {"oldText": …, "newText": …}, received a string',
    ],
    ["null for an item", null, 'edits.0: expected an object {"oldText": …, "newText": …}, received null'],
    ["no item at all", undefined, "edits.0: required, and missing"],
  ])("refuses %s", async (_, item, message) => {
    const result = await check({ path: "a", edits: [item] });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(`Invalid arguments for tool edit_file: ${message}`);
  });

  it("says in its JSON Schema that no other keys are taken", () => {
    const json = compileSchema(shape, "input")["~standard"].jsonSchema.input({ target: "draft-2020-12" });
    const items = (json.properties as Record<string, { items: Record<string, unknown> }>).edits?.items;
    expect(items?.additionalProperties).toBe(false);
  });
});
