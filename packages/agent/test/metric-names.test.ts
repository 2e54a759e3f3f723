import { describe, expect, it } from "vitest";
import { errorTypeOf } from "../src/metric-names.js";
import { ToolCallError } from "../src/server-errors.js";

// core's errorTypeOf (core/test/error-type.test.ts has its table), as the agent's own errors meet it.
// What a minifier makes of a class: the same error under a mangled class name.
class Lt extends Error {
  override name = "ToolCallError";
}

describe("errorTypeOf on the agent's errors", () => {
  it.each([
    ["the agent's own error", new ToolCallError("server stopped"), "ToolCallError"],
    ["that error with its class renamed by the minifier", new Lt("server stopped"), "ToolCallError"],
  ])("%s", (_case, error, type) => {
    expect(errorTypeOf(error)).toBe(type);
  });
});
