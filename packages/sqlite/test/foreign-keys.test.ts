import { describe, expect, it } from "vitest";
import { setsForeignKeys } from "../src/foreign-keys.js";

describe("setsForeignKeys: a statement SQLite would ignore inside a transaction", () => {
  it.each([
    ["PRAGMA foreign_keys = OFF", true],
    ["pragma FOREIGN_KEYS(0)", true],
    ["/* c */ PRAGMA main.foreign_keys = 1;", true],
    ['PRAGMA "foreign_keys" = no', true],
    ["PRAGMA foreign_keys", false],
    ["PRAGMA foreign_keys;", false],
    ["PRAGMA foreign_key_check", false],
    ["PRAGMA defer_foreign_keys = ON", false],
    ["EXPLAIN PRAGMA foreign_keys = OFF", false],
    ["SELECT * FROM pragma_foreign_keys", false],
    ["-- PRAGMA foreign_keys = OFF\nSELECT 1", false],
  ])("%j → %s", (sql, expected) => {
    expect(setsForeignKeys(sql)).toBe(expected);
  });
});
