import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { type Connected, connect, tempDir, textOf } from "./helpers.js";

let open: Connected | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  await open?.close();
  cleanup?.();
});

describe("statements checked against another connection's schema changes", () => {
  it("keeps writing while another program changes the schema between calls (no stale EXPLAIN re-run)", async () => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    const file = join(temp.dir, "shared.db");
    const other = new Database(file);
    other.pragma("journal_mode = WAL");
    other.exec("CREATE TABLE t (x)");
    open = await connect({ database: file });
    try {
      for (let i = 0; i < 40; i++) {
        const result = await open.call("execute_write", { sql: "INSERT INTO t VALUES (?)", params: [i] });
        expect(result.isError, textOf(result)).toBeFalsy();
        // Another replica, a migration or the sqlite3 shell changes the schema meanwhile.
        other.exec(`CREATE TABLE u${i} (y)`);
      }
      expect(other.prepare("SELECT count(*) AS n FROM t").get()).toEqual({ n: 40 });
    } finally {
      other.close();
    }
  });
});

describe("a statement sent again after its table or column is gone", () => {
  it.each([
    ["DROP TABLE t", ["CREATE TABLE t (a)", "DROP TABLE t"], "execute_write"],
    ["DELETE FROM t", ["CREATE TABLE t (a)", "DELETE FROM t", "DROP TABLE t"], "execute_write"],
    [
      "UPDATE t SET b = 1",
      ["CREATE TABLE t (a, b)", "UPDATE t SET b = 1", "ALTER TABLE t DROP COLUMN b"],
      "execute_write",
    ],
  ])("fails as SQLite says (%s), not as a statement it cannot list", async (again, before, tool) => {
    open = await connect({ database: ":memory:" });
    for (const sql of before) expect((await open.call("execute_write", { sql })).isError).toBeFalsy();
    const result = await open.call(tool, { sql: again });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^execute_write failed: no such (table: t|column: b) \[SQLITE_ERROR\]/);
    expect(textOf(result)).not.toContain("EXPLAIN failed");
  });

  it("fails as SQLite says inside a transaction too", async () => {
    open = await connect({ database: ":memory:" });
    await open.call("execute_write", { sql: "CREATE TABLE t (a)" });
    const first = await open.call("execute_transaction", { statements: [{ sql: "INSERT INTO t VALUES (1)" }] });
    expect(first.isError, textOf(first)).toBeFalsy();
    await open.call("execute_write", { sql: "DROP TABLE t" });
    const result = await open.call("execute_transaction", { statements: [{ sql: "INSERT INTO t VALUES (1)" }] });
    expect(textOf(result)).toMatch(/no such table: t/);
    expect(textOf(result)).not.toContain("EXPLAIN failed");
  });
});

describe("sql with a NUL character, where SQLite stops reading", () => {
  it.each([
    ["execute_write", { sql: "DELETE FROM t\0 WHERE a = 99" }],
    ["execute_query", { sql: "SELECT a FROM t\0; DELETE FROM t" }],
    ["execute_transaction", { statements: [{ sql: "UPDATE t SET a = 0\0 WHERE a = 99" }] }],
  ])("%s is refused whole, never run cut short", async (tool, args) => {
    open = await connect({ database: ":memory:" });
    await open.call("execute_write", { sql: "CREATE TABLE t (a)" });
    await open.call("execute_write", { sql: "INSERT INTO t VALUES (1), (2)" });
    const result = await open.call(tool, args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/refused, nothing ran: sql holds a NUL character \(U\+0000\) at index \d+/);
    const rows = await open.call("execute_query", { sql: "SELECT a FROM t ORDER BY a" });
    expect(JSON.parse(textOf(rows)).rows).toEqual([[1], [2]]);
  });
});
