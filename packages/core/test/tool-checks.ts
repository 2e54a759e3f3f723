// What every listed tool of every server must have, checked the same way in each package's tests.
import type { CallToolResult, Tool } from "@modelcontextprotocol/client";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/client/validators/ajv";
import { expect } from "vitest";
import { portabilityProblems } from "../src/portable-schema.js";

/** The Messages API's rule for a tool's name (`tools.N.custom.name`). */
const API_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** A long server name a user would give one of ours in Claude Code, which names tools mcp__<server>__<tool>. */
const CLAUDE_CODE_PREFIX = "mcp__mcp-filesystem__";
const DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

// The validator an SDK v2 client checks structuredContent with; one for all tests of a file.
const ajv = new AjvJsonSchemaValidator();
const metaSchema = ajv.getValidator({ $ref: DRAFT_2020_12 });

/**
 * Each tool has a human title, all four annotations, and input and output schemas that any client can read: every
 * property one type (a union as `anyOf`), no `type` arrays, no `$schema`. Each schema is valid JSON Schema 2020-12
 * and takes what the Messages API takes as `input_schema`: `type: object` at the top, with no `oneOf`, `anyOf` or
 * `allOf` there. Each name stays within the API's pattern also as Claude Code's `mcp__<server>__<tool>`.
 */
export function expectListedToolsComplete(tools: readonly Tool[]): void {
  expect(tools.length).toBeGreaterThan(0);
  for (const tool of tools) {
    expect(tool.title?.trim(), `${tool.name} has no title`).toBeTruthy();
    expect(`${CLAUDE_CODE_PREFIX}${tool.name}`, `${tool.name} as Claude Code names it`).toMatch(API_TOOL_NAME);
    expect(Object.keys(tool.annotations ?? {}).sort(), tool.name).toEqual([
      "destructiveHint",
      "idempotentHint",
      "openWorldHint",
      "readOnlyHint",
    ]);
    for (const [which, schema] of [
      ["input", tool.inputSchema],
      ["output", tool.outputSchema],
    ] as const) {
      if (!schema) continue;
      const where = `${tool.name} ${which} schema`;
      expect(portabilityProblems(schema as Record<string, unknown>), where).toEqual([]);
      expect(JSON.stringify(schema), where).not.toContain("$schema");
      expect(metaSchema(schema).errorMessage, `${where} as JSON Schema 2020-12`).toBeUndefined();
      expect(schema.type, where).toBe("object");
      for (const keyword of ["oneOf", "anyOf", "allOf"]) expect(Object.keys(schema), where).not.toContain(keyword);
    }
  }
}

/**
 * A real result is the success or error the call should give, and a result of a tool with an output schema is what
 * that schema says, as the SDK clients check it (a result that is not makes them throw): a success carries
 * `structuredContent` that validates; an error need not carry it. A server whose own result fails its schema
 * answers with an error ("Output validation error"), so a call meant to succeed must not be one.
 */
export function expectResultMatchesSchema(tool: Tool, result: CallToolResult, outcome: "ok" | "error"): void {
  const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join("");
  expect(result.isError ? "error" : "ok", `${tool.name}: ${text.slice(0, 300)}`).toBe(outcome);
  if (!tool.outputSchema) return;
  if (result.isError && result.structuredContent === undefined) return;
  expect(result.structuredContent, `${tool.name} result has no structuredContent`).toBeDefined();
  const check = ajv.getValidator(tool.outputSchema)(result.structuredContent);
  expect(check.errorMessage, `${tool.name} result against its outputSchema`).toBeUndefined();
}
