import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { collect, pagingHint } from "../src/rows.js";
import { StatementCache } from "../src/statement-cache.js";
import { dataOf, tempDir, useSeededServer } from "./helpers.js";

interface Rows {
  columns: string[];
  rows: unknown[][];
}

const limits = { maxRows: 100, maxBytes: 100_000, allowAttach: false, countMs: 50 };

/** Change the schema from another connection, as the sqlite3 shell or another program would. */
function elsewhere(path: string, sql: string): void {
  const other = new Database(path);
  try {
    other.exec(sql);
  } finally {
    other.close();
  }
}

// SQLite recompiles a kept statement after a schema change only when it steps it, so names read before are stale.
describe("collect's column names after a schema change", () => {
  it("names the columns of the rows a kept statement returns after another connection dropped one", () => {
    const { dir, cleanup } = tempDir();
    const path = join(dir, "t.db");
    elsewhere(path, "CREATE TABLE t(a, b, c); INSERT INTO t VALUES (1, 2, 3)");
    const reader = new Database(path, { readonly: true });
    try {
      const cache = new StatementCache();
      const sql = "SELECT * FROM t";
      const run = () => collect(cache.prepare(reader, sql), [], sql, { rows: 100, bytes: 100_000 }, limits);
      expect(run()).toMatchObject({ columns: ["a", "b", "c"], rows: [[1, 2, 3]] });
      elsewhere(path, "ALTER TABLE t DROP COLUMN b");
      expect(run()).toMatchObject({ columns: ["a", "c"], rows: [[1, 3]] });
    } finally {
      reader.close();
      cleanup();
    }
  });
});

describe("every tool that returns rows, after a schema change", () => {
  const db = useSeededServer();
  const call = async (name: string, args: Record<string, unknown>) => dataOf<Rows>(await db.conn.call(name, args));

  it("execute_query after another process drops a column", async () => {
    const sql = "SELECT * FROM items WHERE id <= 2 ORDER BY id";
    expect((await call("execute_query", { sql })).columns).toEqual(["id", "name", "qty", "data"]);
    elsewhere(db.path, "ALTER TABLE items DROP COLUMN data");
    expect(await call("execute_query", { sql })).toMatchObject({
      columns: ["id", "name", "qty"],
      rows: [
        [1, "apple", 3],
        [2, "pear", 5],
      ],
    });
  });

  it("execute_query after its own execute_write drops a column", async () => {
    const sql = "SELECT * FROM items WHERE id = 1";
    expect((await call("execute_query", { sql })).columns).toEqual(["id", "name", "qty"]);
    await call("execute_write", { sql: "ALTER TABLE items DROP COLUMN qty" });
    expect(await call("execute_query", { sql })).toMatchObject({ columns: ["id", "name"], rows: [[1, "apple"]] });
  });

  it("a view another process redefined with its columns in another order", async () => {
    elsewhere(db.path, "CREATE VIEW v AS SELECT id, name FROM items");
    const sql = "SELECT * FROM v WHERE id = 1";
    expect(await call("execute_query", { sql })).toMatchObject({ columns: ["id", "name"], rows: [[1, "apple"]] });
    elsewhere(db.path, "DROP VIEW v; CREATE VIEW v AS SELECT name, id FROM items");
    expect(await call("execute_query", { sql })).toMatchObject({ columns: ["name", "id"], rows: [["apple", 1]] });
  });

  it("execute_write's RETURNING * after another process rebuilt the table", async () => {
    await call("execute_write", { sql: "CREATE TABLE kv(k TEXT PRIMARY KEY, v)" });
    const sql = "INSERT INTO kv(k, v) VALUES (?, ?) RETURNING *";
    expect(await call("execute_write", { sql, params: ["a", 1] })).toMatchObject({ columns: ["k", "v"] });
    elsewhere(db.path, "DROP TABLE kv; CREATE TABLE kv(v, k TEXT PRIMARY KEY)");
    expect(await call("execute_write", { sql, params: ["b", 2] })).toMatchObject({
      columns: ["v", "k"],
      rows: [[2, "b"]],
    });
  });

  it("execute_transaction that rebuilds a table with its columns swapped", async () => {
    const select = { sql: "SELECT * FROM kv WHERE k = 'b'" };
    expect(await call("execute_transaction", { statements: [select] })).toMatchObject({
      results: [{ columns: ["v", "k"], rows: [[2, "b"]] }],
    });
    const rebuilt = await call("execute_transaction", {
      statements: [
        { sql: "ALTER TABLE kv RENAME TO kv_old" },
        { sql: "CREATE TABLE kv(k TEXT PRIMARY KEY, v)" },
        { sql: "INSERT INTO kv(k, v) SELECT k, v FROM kv_old" },
        { sql: "DROP TABLE kv_old" },
        select,
      ],
    });
    expect(rebuilt).toMatchObject({ results: [{}, {}, {}, {}, { columns: ["k", "v"], rows: [["b", 2]] }] });
  });
});

describe("pagingHint", () => {
  it.each([
    ["a few pages", 50, 200, false, /^page with LIMIT\/OFFSET under ORDER BY a unique key/],
    ["ten pages exactly", 50, 500, false, /LIMIT\/OFFSET under ORDER BY a unique key/],
    ["past ten pages", 500, 200_000, false, /^page by a unique key: WHERE key > :last ORDER BY key LIMIT 500\b/],
    ["a total that is only a lower bound", 50, 60, true, /WHERE key > :last ORDER BY key LIMIT 50\b/],
    ["no row shown (one too wide)", 0, 40, false, /WHERE key > :last ORDER BY key LIMIT 1\b/],
  ])("%s", (_, shown, total, lowerBound, hint) => {
    expect(pagingHint(shown, total, lowerBound)).toMatch(hint);
  });
});
