import { describe, expect, it } from "vitest";
import { errorChain, sqliteCodeOf } from "../src/sqlite-code.js";

describe("sqliteCodeOf", () => {
  it.each<[string, unknown, string | undefined]>([
    ["SQLite's own", Object.assign(new Error("no such table"), { code: "SQLITE_ERROR" }), "SQLITE_ERROR"],
    [
      "a cause's",
      new Error("nothing was applied", { cause: Object.assign(new Error("x"), { code: "SQLITE_BUSY" }) }),
      "SQLITE_BUSY",
    ],
    ["another library's code", Object.assign(new Error("x"), { code: "ENOENT" }), undefined],
    ["a value that is not an error", "SQLITE_ERROR", undefined],
  ])("%s", (_, error, code) => {
    expect(sqliteCodeOf(error)).toBe(code);
  });

  it("stops on a chain of causes that loops", () => {
    const a = new Error("a");
    Object.assign(a, { cause: new Error("b", { cause: a }) });
    expect(sqliteCodeOf(a)).toBeUndefined();
    expect([...errorChain(a)].map((e) => e.message)).toEqual(["a", "b", "a", "b", "a", "b"]);
  });
});
