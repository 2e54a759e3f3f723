import { describe, expect, it } from "vitest";
import { errorTypeOf } from "../src/error-type.js";

// What a minifier makes of a class: the same error under a mangled class name.
class Kr extends Error {
  override name = "Interrupted";
}
class TimeoutError extends Error {}

describe("errorTypeOf", () => {
  it.each([
    ["an error that names itself, its class renamed by the minifier", new Kr("stopped"), "Interrupted"],
    ["a class that does not set its name", new TimeoutError("late"), "TimeoutError"],
    ["a built-in error", new TypeError("x"), "TypeError"],
    ["an abort", new DOMException("aborted", "AbortError"), "AbortError"],
    ["a plain Error", new Error("x"), "Error"],
    ["something thrown that is not an error", "boom", "String"],
    ["undefined", undefined, "Error"],
  ])("%s", (_case, error, type) => {
    expect(errorTypeOf(error)).toBe(type);
  });
});
