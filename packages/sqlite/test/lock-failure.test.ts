import { describe, expect, it } from "vitest";
import type { EngineRequest, Limits } from "../src/engine-request.js";
import { lockFailure, lockSubject } from "../src/lock-failure.js";

const limits: Limits = { maxRows: 10, maxBytes: 10_000, allowAttach: false, countMs: 10 };

describe("lockSubject: what each request would have done, as a lock failure names it", () => {
  it.each([
    [
      { op: "query", sql: " SELECT\n  1 ", limits },
      { what: "the statement did not run", statement: "SELECT 1" },
    ],
    [
      { op: "write", sql: "DELETE FROM t", limits },
      { what: "the statement did not run", statement: "DELETE FROM t" },
    ],
    [
      { op: "transaction", statements: [{ sql: "SELECT 1" }, { sql: "SELECT 2" }], limits },
      { what: "the transaction did not run (none of its 2 statements)" },
    ],
    [{ op: "tables", limits }, { what: "the list of tables could not be read" }],
    [{ op: "names", limit: 5, limits }, { what: "the list of tables could not be read" }],
    [{ op: "version", limits }, { what: "the list of tables could not be read" }],
    [{ op: "schema", limits }, { what: "the schema could not be read" }],
    [{ op: "describe", table: 'a "b"', limits }, { what: 'table "a \\"b\\"" could not be read' }],
    [{ op: "table", table: "items", limits }, { what: 'table "items" could not be read' }],
  ] as [EngineRequest, object][])("%j", (request, expected) => {
    expect(lockSubject(request)).toEqual(expected);
  });
});

describe("lockFailure", () => {
  const busy = Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
  const request: EngineRequest = { op: "tables", limits };

  it("makes the message for a bare lock error, keeps one already made for the model, and ignores other errors", () => {
    expect(lockFailure(busy, request, false)).toEqual({
      code: "SQLITE_BUSY",
      message: expect.stringMatching(/^database is locked \[SQLITE_BUSY\]: .*the list of tables could not be read/),
    });
    expect(lockFailure(new Error("told", { cause: busy }), request, true)).toEqual({ code: "SQLITE_BUSY" });
    expect(lockFailure(new Error("no such table: t"), request, false)).toBeUndefined();
  });
});
