import type { CallToolResult } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { fail, refuse } from "../src/results.js";
import { callEnd, type FinishedCall, outcomeErrorType, type ToolOutcome, toolOutcome } from "../src/tool-outcome.js";

describe("toolOutcome", () => {
  it.each<[string, FinishedCall, ToolOutcome, string | undefined]>([
    ["a result", { isError: false, cancelled: false }, "ok", undefined],
    ["an isError result", { isError: true, cancelled: false }, "error", "tool_error"],
    ["a refusal", { isError: true, refusalCause: "sandbox", cancelled: false }, "refused", "tool_error"],
    // The tool's own answer to a cancel is often an error saying so; a partial result says so in a note.
    ["an error after a cancel", { isError: true, cancelled: true }, "cancelled", undefined],
    ["a partial result after a cancel", { isError: false, cancelled: true }, "cancelled", undefined],
    ["a refusal after a cancel", { isError: true, refusalCause: "timeout", cancelled: true }, "cancelled", undefined],
  ])("%s is %s, error.type %s", (_case, call, outcome, errorType) => {
    expect(toolOutcome(call)).toBe(outcome);
    expect(outcomeErrorType(toolOutcome(call))).toBe(errorType);
  });
});

describe("callEnd", () => {
  it.each<[string, CallToolResult, boolean, ToolOutcome, string | undefined]>([
    ["a result", { content: [{ type: "text", text: "done" }] }, false, "ok", undefined],
    ["an isError result", fail("no such table"), false, "error", undefined],
    ["a refusal, with its cause word", refuse("outside the sandbox", "sandbox"), false, "refused", "sandbox"],
    ["a refusal after a cancel, keeping its cause", refuse("timed out", "timeout"), true, "cancelled", "timeout"],
  ])("%s", (_case, result, cancelled, outcome, cause) => {
    expect(callEnd(result, cancelled)).toEqual({ outcome, cause });
  });
});
