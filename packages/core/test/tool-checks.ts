// What every listed tool of every server must have, checked the same way in each package's tests.
import type { Tool } from "@modelcontextprotocol/client";
import { expect } from "vitest";
import { portabilityProblems } from "../src/portable-schema.js";

/**
 * Each tool has a human title, all four annotations, and input and output schemas that any client can read: every
 * property one type (a union as `anyOf`), no `type` arrays, no `$schema`.
 */
export function expectListedToolsComplete(tools: readonly Tool[]): void {
  expect(tools.length).toBeGreaterThan(0);
  for (const tool of tools) {
    expect(tool.title?.trim(), `${tool.name} has no title`).toBeTruthy();
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
      expect(portabilityProblems(schema as Record<string, unknown>), `${tool.name} ${which} schema`).toEqual([]);
      expect(JSON.stringify(schema), `${tool.name} ${which} schema`).not.toContain("$schema");
    }
  }
}
