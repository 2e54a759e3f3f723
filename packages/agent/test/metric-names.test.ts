import { describe, expect, it } from "vitest";
import { errorTypeOf } from "../src/metric-names.js";
import { ToolCallError } from "../src/server-errors.js";

// What a minifier makes of a class: the same error under a mangled class name.
class Lt extends Error {
  override name = "ToolCallError";
}
class TimeoutError extends Error {}

describe("errorTypeOf", () => {
  it.each([
    ["the agent's own error", new ToolCallError("server stopped"), "ToolCallError"],
    ["that error with its class renamed by the minifier", new Lt("server stopped"), "ToolCallError"],
    ["a class that does not set its name", new TimeoutError("late"), "TimeoutError"],
    ["a built-in error", new TypeError("x"), "TypeError"],
    ["a plain Error", new Error("x"), "Error"],
    ["something thrown that is not an error", "boom", "String"],
    ["null", null, "Error"],
  ])("%s", (_case, error, type) => {
    expect(errorTypeOf(error)).toBe(type);
  });
});
