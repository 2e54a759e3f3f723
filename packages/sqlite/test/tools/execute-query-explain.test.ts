import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Connected,
  connect,
  dataOf,
  seedDatabase,
  snapshot,
  tempDir,
  textOf,
  useSeededServer,
} from "../helpers.js";

interface Rows {
  columns: string[];
  rows: unknown[][];
}

/** Statements that would write, or reach other files, if they ran; `{dir}` is the database's folder. */
const WRITES = [
  "INSERT INTO items (name) VALUES ('x') RETURNING id",
  "UPDATE items SET qty = 0",
  "DELETE FROM items",
  "WITH x AS (SELECT 1) DELETE FROM items",
  "DROP TABLE items",
  "CREATE TABLE z (a)",
  "PRAGMA user_version = 7",
  "ATTACH '{dir}/evil.db' AS evil",
  "VACUUM INTO '{dir}/copy.db'",
];
const EXPLAINED = WRITES.flatMap((sql) => [`EXPLAIN ${sql}`, `explain query plan ${sql}`]);

describe("execute_query runs EXPLAIN of any statement, which never runs it", () => {
  const db = useSeededServer();
  const query = (sql: string) => db.conn.call("execute_query", { sql: sql.replaceAll("{dir}", db.dir) });

  it.each(EXPLAINED)("%s: lists its program and changes nothing", async (sql) => {
    const before = snapshot(db.path);
    const data = dataOf<Rows>(await query(sql));
    expect(data.columns).toEqual(
      /query plan/.test(sql)
        ? ["id", "parent", "notused", "detail"]
        : ["addr", "opcode", "p1", "p2", "p3", "p4", "p5", "comment"],
    );
    expect(snapshot(db.path)).toEqual(before);
    expect(readdirSync(db.dir).sort()).toEqual(["data.db", "data.db-shm", "data.db-wal"]);
  });

  it("still refuses the statements themselves", async () => {
    for (const sql of WRITES) {
      const result = await query(sql);
      expect(result.isError, sql).toBe(true);
      expect(textOf(result), sql).toMatch(/refused, nothing ran/);
    }
  });

  it.each(["execute_write", "execute_transaction"])("%s refuses EXPLAIN, naming execute_query", async (tool) => {
    const sql = "EXPLAIN DELETE FROM items";
    const args = tool === "execute_write" ? { sql } : { statements: [{ sql }] };
    const result = await db.conn.call(tool, args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/EXPLAIN lists a statement's program without running it.*run it with execute_query/);
    expect(textOf(result)).not.toMatch(/EXPLAIN failed/);
  });

  it("reads the journal mode with a bare PRAGMA journal_mode, and leaves it", async () => {
    expect(dataOf<Rows>(await query("PRAGMA journal_mode")).rows).toEqual([["wal"]]);
    expect(dataOf<Rows>(await query("pragma main.journal_mode;")).rows).toEqual([["wal"]]);
    expect(snapshot(db.path)).toMatchObject({ journalMode: "wal" });
    const write = await db.conn.call("execute_write", { sql: "PRAGMA journal_mode" });
    expect(textOf(write)).toMatch(/this PRAGMA only reads; run it with execute_query/);
  });
});

describe("execute_query's EXPLAIN on a read-only server", () => {
  const tmp = tempDir();
  const path = join(tmp.dir, "data.db");
  let conn: Connected;
  beforeAll(async () => {
    seedDatabase(path);
    // A rollback-journal file: a read-only server must leave it byte for byte, with no -wal beside it.
    const file = new Database(path);
    file.pragma("journal_mode = DELETE");
    file.close();
    conn = await connect({ database: path, readOnly: true });
  });
  afterAll(async () => {
    await conn.close();
    tmp.cleanup();
  });

  it("lists every write's program, writes nothing, and the file stays byte for byte the same", async () => {
    const bytes = readFileSync(path);
    for (const sql of [...EXPLAINED, "PRAGMA journal_mode", "EXPLAIN PRAGMA journal_mode = WAL"]) {
      const result = await conn.call("execute_query", { sql: sql.replaceAll("{dir}", tmp.dir) });
      expect(result.isError, `${sql}: ${textOf(result)}`).toBeFalsy();
    }
    expect(dataOf<Rows>(await conn.call("execute_query", { sql: "PRAGMA journal_mode" })).rows).toEqual([["delete"]]);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(readdirSync(tmp.dir)).toEqual(["data.db"]);
    expect(existsSync(join(tmp.dir, "evil.db"))).toBe(false);
    const refused = await conn.call("execute_query", { sql: "DELETE FROM items" });
    expect(textOf(refused)).toMatch(/refused, nothing ran: SQLite reports that this statement writes/);
  });
});

describe("execute_query's EXPLAIN on an in-memory database, whose one connection also writes", () => {
  let conn: Connected;
  beforeAll(async () => {
    conn = await connect({ database: ":memory:" });
    await conn.call("execute_write", { sql: "CREATE TABLE items (name TEXT)" });
    await conn.call("execute_write", { sql: "INSERT INTO items VALUES ('a'), ('b')" });
  });
  afterAll(() => conn.close());

  it("runs none of the statements it explains", async () => {
    for (const sql of [
      "EXPLAIN DELETE FROM items",
      "EXPLAIN QUERY PLAN DROP TABLE items",
      "EXPLAIN CREATE TABLE z (a)",
    ]) {
      expect((await conn.call("execute_query", { sql })).isError, sql).toBeFalsy();
    }
    const tables = dataOf<Rows>(await conn.call("execute_query", { sql: "SELECT name FROM sqlite_schema" }));
    expect(tables.rows).toEqual([["items"]]);
    const rows = dataOf<Rows>(await conn.call("execute_query", { sql: "SELECT count(*) FROM items" }));
    expect(rows.rows).toEqual([[2]]);
  });
});
