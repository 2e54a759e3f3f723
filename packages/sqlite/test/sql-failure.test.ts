import { describe, expect, it } from "vitest";
import { isOutOfMemory, sqlFailure } from "../src/sql-failure.js";

describe("isOutOfMemory: a statement that needed more than the executor's memory", () => {
  const coded = (message: string, code: string) => Object.assign(new Error(message), { code });
  it.each<[string, unknown, boolean]>([
    ["SQLite's SQLITE_NOMEM", coded("out of memory", "SQLITE_NOMEM"), true],
    ["better-sqlite3's binding failure, which has no code", new Error("Out of memory"), true],
    [
      "either, as the failure a statement's message wraps",
      sqlFailure(new Error("Out of memory"), "SELECT ?", { allowAttach: false }),
      true,
    ],
    ["another SQLite error", coded("out of memory", "SQLITE_ERROR"), false],
    ["a message that only mentions it", new Error("Out of memory? no"), false],
    ["no error at all", "Out of memory", false],
  ])("%s: %s", (_, error, expected) => {
    expect(isOutOfMemory(error)).toBe(expected);
  });
});
