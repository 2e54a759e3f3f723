// The part of a file read_file's arguments ask for (offset, limit, head, tail, skip_bytes), checked and turned into
// the line window the scanner keeps, or undefined for the whole file.
import { wholeNumberProblem } from "@mcp-toolkit/core";
import type { LineMode } from "./line-window.js";
import { quote } from "./path-policy.js";
import { ToolError } from "./sandbox.js";

/** Which part of a file to read; all optional, lines are 1-based. */
export interface ReadArgs {
  offset?: number | undefined;
  limit?: number | undefined;
  head?: number | undefined;
  tail?: number | undefined;
  /** Bytes of the first line to leave out: pages through a line longer than the budget. */
  skip_bytes?: number | undefined;
}

/** The line window the arguments ask for, or undefined for the whole file. */
export function lineMode(input: string, args: ReadArgs): LineMode | undefined {
  for (const [key, value] of Object.entries(args)) {
    const min = key === "skip_bytes" ? 0 : 1;
    const problem = value === undefined ? undefined : wholeNumberProblem(value, key, { min });
    if (problem) throw new ToolError(`${quote(input)}: ${problem}`);
  }
  const { offset, limit, head, tail, skip_bytes: skip } = args;
  if (tail !== undefined) {
    if (offset !== undefined || head !== undefined || limit !== undefined || skip !== undefined) {
      throw new ToolError(`${quote(input)}: tail cannot be combined with offset, limit, head or skip_bytes; use one`);
    }
    return { kind: "tail", count: tail };
  }
  if (head !== undefined && limit !== undefined) {
    throw new ToolError(`${quote(input)}: head and limit both set; head=N is limit=N, use one`);
  }
  const count = head ?? limit;
  if (offset === undefined && count === undefined && !skip) return undefined;
  return { kind: "range", start: offset ?? 1, count: count ?? Number.MAX_SAFE_INTEGER, ...(skip ? { skip } : {}) };
}
