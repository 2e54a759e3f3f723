import { describe, expect, it } from "vitest";
import { isLockCode, lockCodeOf, lockedMessage } from "../src/lock-message.js";

describe("isLockCode: SQLite's lock failures by result code, extended or not", () => {
  it.each([
    ["SQLITE_BUSY", true],
    ["SQLITE_BUSY_SNAPSHOT", true],
    ["SQLITE_BUSY_TIMEOUT", true],
    ["SQLITE_LOCKED", true],
    ["SQLITE_LOCKED_SHAREDCACHE", true],
    ["SQLITE_BUSYX", false],
    ["SQLITE_ERROR", false],
    ["SQLITE_CONSTRAINT_TRIGGER", false],
    ["database is locked", false],
    [undefined, false],
    [5, false],
  ])("%s: %s", (code, expected) => {
    expect(isLockCode(code)).toBe(expected);
  });
});

describe("lockCodeOf", () => {
  const busy = Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });

  it("finds the code on the error or on one it wraps, and nothing on others", () => {
    expect(lockCodeOf(busy)).toBe("SQLITE_BUSY");
    expect(lockCodeOf(new Error("statement 1 of 2 failed", { cause: busy }))).toBe("SQLITE_BUSY");
    expect(lockCodeOf(Object.assign(new Error("database is locked"), { code: "SQLITE_ERROR" }))).toBeUndefined();
    expect(lockCodeOf("database is locked")).toBeUndefined();
  });
});

describe("lockedMessage: what did not run, that nothing changed, who holds the lock, what to do", () => {
  it.each([
    [
      "SQLITE_BUSY",
      { what: "the statement did not run", statement: "SELECT 1" },
      "database is locked [SQLITE_BUSY]: another connection (a replica of this server on the same file, another program, or a sqlite3 shell with a transaction open) holds a lock on the database file, so the statement did not run and nothing was changed. Retry shortly; if it stays locked, that connection must first commit or roll back (or close, if it runs with PRAGMA locking_mode = EXCLUSIVE, which holds the file until then). Statement: SELECT 1",
    ],
    [
      "SQLITE_BUSY_SNAPSHOT",
      { what: "the list of tables could not be read" },
      "database is locked [SQLITE_BUSY_SNAPSHOT]: another connection (a replica of this server on the same file, another program, or a sqlite3 shell with a transaction open) holds a lock on the database file, so the list of tables could not be read and nothing was changed. Retry shortly; if it stays locked, that connection must first commit or roll back (or close, if it runs with PRAGMA locking_mode = EXCLUSIVE, which holds the file until then)",
    ],
    [
      "SQLITE_BUSY",
      {
        what: "the statement did not run",
        statement: "SELECT 1 FROM aux.t",
        database: 'attached database "aux" (/d/a.db)',
      },
      'database is locked [SQLITE_BUSY]: another connection (a replica of this server on the same file, another program, or a sqlite3 shell with a transaction open) holds a lock on attached database "aux" (/d/a.db), so the statement did not run and nothing was changed. Retry shortly; if it stays locked, that connection must first commit or roll back (or close, if it runs with PRAGMA locking_mode = EXCLUSIVE, which holds the file until then). Statement: SELECT 1 FROM aux.t',
    ],
    [
      "SQLITE_LOCKED",
      { what: "the statement did not run", statement: "DROP TABLE t" },
      "database table is locked [SQLITE_LOCKED]: another statement on the same connection holds a lock on a table it needs, so the statement did not run and nothing was changed. Retry shortly, once that statement has finished. Statement: DROP TABLE t",
    ],
  ])("%s", (code, subject, expected) => {
    expect(lockedMessage(code, subject)).toBe(expected);
  });
});
