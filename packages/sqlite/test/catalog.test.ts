import { describe, expect, it } from "vitest";
import { columnKind } from "../src/catalog.js";

describe("columnKind", () => {
  it.each([
    ["an ordinary column", 0, {}],
    ["a virtual table's hidden column", 1, { hidden: true }],
    ["a VIRTUAL generated column", 2, { generated: "virtual" }],
    ["a STORED generated column", 3, { generated: "stored" }],
  ])("reads pragma_table_xinfo's hidden for %s", (_, hidden, kind) => {
    expect(columnKind(hidden)).toEqual(kind);
  });
});
