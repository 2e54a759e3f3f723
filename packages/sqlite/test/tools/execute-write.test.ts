import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dataOf, snapshot, textOf, useSeededServer } from "../helpers.js";
import { lockedReply, useRollbackLockedServer } from "../rollback-lock.js";

describe("execute_write", () => {
  const db = useSeededServer();
  const { dir, path } = db;
  const write = (sql: string, params?: unknown) => db.conn.call("execute_write", { sql, params });

  it("runs one statement and returns changes and lastInsertRowid", async () => {
    expect(dataOf(await write("INSERT INTO items (name, qty) VALUES (?, ?)", ["fig", 1]))).toEqual({
      changes: 1,
      lastInsertRowid: 4,
    });
    expect(dataOf(await write("UPDATE items SET qty = qty + 1 WHERE qty < :max", { max: 4 }))).toEqual({
      changes: 2,
    });
  });

  it("returns RETURNING rows with the changes", async () => {
    const data = dataOf(await write("INSERT INTO items (name) VALUES (?), (?) RETURNING id, name", ["kiwi", "lime"]));
    expect(data).toMatchObject({
      changes: 2,
      columns: ["id", "name"],
      rows: [
        [5, "kiwi"],
        [6, "lime"],
      ],
      rowCount: 2,
    });
  });

  it("binds a params array to numbered placeholders in any order", async () => {
    const data = dataOf(await write("INSERT INTO items (qty, name) VALUES (?2, ?1) RETURNING name, qty", ["date", 9]));
    expect(data).toMatchObject({ changes: 1, rows: [["date", 9]] });
  });

  it("stores injection-shaped text and exact big integers as data", async () => {
    const hostile = "x'); DROP TABLE items; --";
    const { lastInsertRowid } = dataOf<{ lastInsertRowid: number }>(
      await write("INSERT INTO items (name, qty) VALUES (?, ?)", [hostile, "9007199254740993"]),
    );
    const row = await db.conn.call("execute_query", {
      sql: "SELECT name, qty, typeof(qty) FROM items WHERE id = ?",
      params: [lastInsertRowid],
    });
    expect(dataOf(row)).toMatchObject({ rows: [[hostile, "9007199254740993", "integer"]] });
    // Compared with an INTEGER column, the text converts to the exact integer: it matches that row, not its neighbour.
    const found = await db.conn.call("execute_query", {
      sql: "SELECT id FROM items WHERE qty = ? OR qty = ?",
      params: ["9007199254740993", "9007199254740992"],
    });
    expect(dataOf(found)).toMatchObject({ rows: [[lastInsertRowid]] });
  });

  it("refuses text with half a surrogate pair, which SQLite would store as bytes no UTF-8 reader takes, writing nothing", async () => {
    const before = dataOf(await db.conn.call("execute_query", { sql: "SELECT count(*) FROM items" }));
    for (const params of [["a\uD800b"], '["a\\ud800b"]']) {
      const result = await write("INSERT INTO items (name) VALUES (?)", params);
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/: params\.0: character 1 is half of a UTF-16 surrogate pair .* nothing was done/);
    }
    expect(dataOf(await db.conn.call("execute_query", { sql: "SELECT count(*) FROM items" }))).toEqual(before);
  });

  it("binds a number past ±2^63 as the REAL it is, as SQLite reads the literal", async () => {
    const data = dataOf(
      await write("INSERT INTO items (name, qty) VALUES ('far', ?) RETURNING qty, typeof(qty)", [1e300]),
    );
    expect(data).toMatchObject({ changes: 1, rows: [[1e300, "real"]] });
  });

  it("applies nothing of a PRAGMA it refuses: the writer keeps its locking mode, and queries keep working", async () => {
    const refused = await write("PRAGMA locking_mode = EXCLUSIVE");
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/refused, nothing ran/);
    const mode = await db.conn.call("execute_transaction", { statements: [{ sql: "PRAGMA locking_mode" }] });
    expect(dataOf(mode)).toMatchObject({ results: [{ rows: [["normal"]] }] });
    expect((await write("UPDATE items SET qty = qty WHERE id = 1")).isError).toBeFalsy();
    expect((await db.conn.call("execute_query", { sql: "SELECT count(*) FROM items" })).isError).toBeFalsy();
  });

  it("refuses setting PRAGMA schema_version, which defensive mode would ignore, and sets user_version", async () => {
    const read = async (name: string) =>
      dataOf(await db.conn.call("execute_query", { sql: `PRAGMA ${name}` })) as { rows: unknown[][] };
    const before = (await read("schema_version")).rows;
    const refused = await write("PRAGMA schema_version = 99");
    expect(textOf(refused)).toMatch(/refused, nothing ran: .*defensive mode.*PRAGMA user_version in execute_write/);
    expect((await read("schema_version")).rows).toEqual(before);
    expect((await write("PRAGMA user_version = 3")).isError).toBeFalsy();
    expect((await read("user_version")).rows).toEqual([[3]]);
  });

  it.each([
    ["CREATE TEMP TABLE staging (x)", 'table "staging"'],
    ["CREATE TABLE temp.staging AS SELECT * FROM items", 'table "staging"'],
    ["CREATE TEMP VIEW names AS SELECT name FROM items", 'view "names"'],
    ["CREATE TEMP TRIGGER spy AFTER DELETE ON items BEGIN SELECT 1; END", 'trigger "spy"'],
  ])("keeps no TEMP object on the shared writer: %s is dropped again and refused", async (sql, named) => {
    for (let i = 0; i < 2; i++) {
      // The second time proves the first left nothing: no "already exists".
      const result = await write(sql);
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(new RegExp(`TEMP ${named} would stay .*dropped again, so nothing changed`));
    }
  });

  it("runs DDL", async () => {
    expect(dataOf(await write("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))).toMatchObject({ changes: 0 });
    expect((await db.conn.call("describe_table", { table: "notes" })).isError).toBeFalsy();
  });

  it.each([
    ["INSERT INTO items (name) VALUES ('a'); DELETE FROM items", /more than one statement, so nothing ran/],
    ["DELETE FROM items; SELECT 1", /more than one statement/],
    ["ATTACH '{dir}/evil.db' AS evil", /allowAttach: true/],
    ["VACUUM INTO '{dir}/copy.db'", /VACUUM INTO writes a copy to another file.*allowAttach: true/],
    ["BEGIN", /execute_transaction/],
    ["SELECT * FROM items", /only reads; run it with execute_query/],
    ["DELETE FROM nowhere", /no such table: nowhere.*list_tables/],
  ])("refuses %s and changes nothing", async (template, reason) => {
    const expected = snapshot(path);
    const result = await write(template.replaceAll("{dir}", dir));
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(reason);
    expect(snapshot(path)).toEqual(expected);
    expect(existsSync(join(dir, "evil.db"))).toBe(false);
    expect(existsSync(join(dir, "copy.db"))).toBe(false);
  });
});

describe("connection settings, which one call may not change for the others", () => {
  const db = useSeededServer();
  const write = (sql: string) => db.conn.call("execute_write", { sql });
  const read = async (name: string) =>
    dataOf<{ results: { rows: unknown[][] }[] }>(
      await db.conn.call("execute_transaction", { statements: [{ sql: `PRAGMA ${name}` }] }),
    ).results[0]?.rows;

  it.each([
    ["PRAGMA ignore_check_constraints = ON", "ignore_check_constraints", [[0]]],
    ["PRAGMA mmap_size = 1000000", "mmap_size", [[0]]],
    ["PRAGMA recursive_triggers = 1", "recursive_triggers", [[0]]],
    ["PRAGMA cache_size = 3", "cache_size", [[-16000]]],
  ])("refuses %s, naming execute_transaction, and the setting stays", async (sql, name, value) => {
    const result = await write(sql);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      new RegExp(
        `^execute_write failed: refused, nothing ran: PRAGMA ${name} is a setting of the connection.*execute_transaction`,
      ),
    );
    expect(textOf(result)).not.toMatch(/only reads/);
    expect(await read(name)).toEqual(value);
  });

  it("refuses PRAGMA foreign_keys = OFF: keys stay enforced for every later call", async () => {
    const result = await write("PRAGMA foreign_keys = OFF");
    expect(textOf(result)).toMatch(/first statement of execute_transaction/);
    expect(await read("foreign_keys")).toEqual([[1]]);
  });
});

describe("ATTACH and VACUUM INTO when the operator allows them", () => {
  const db = useSeededServer({ allowAttach: true });
  const { dir } = db;

  it("runs them: VACUUM INTO in execute_write, ATTACH in execute_transaction with the statements that use it", async () => {
    const copy = join(dir, "copy.db");
    expect((await db.conn.call("execute_write", { sql: "VACUUM INTO ?", params: [copy] })).isError).toBeFalsy();
    expect(existsSync(copy)).toBe(true);
    const rows = await db.conn.call("execute_transaction", {
      statements: [{ sql: "ATTACH ? AS other", params: [copy] }, { sql: "SELECT count(*) FROM other.items" }],
    });
    expect(dataOf(rows)).toMatchObject({ results: [{ changes: 0 }, { rows: [[3]] }] });
    // execute_query refuses ATTACH (an attachment lasts for one call: tools/execute-transaction-attach.test.ts).
    const query = await db.conn.call("execute_query", { sql: "ATTACH ? AS other", params: [copy] });
    expect(textOf(query)).toMatch(/one call only.*execute_transaction/);
  });
});

describe("execute_write and execute_transaction, given a PRAGMA that changes a setting of the whole process", () => {
  const db = useSeededServer({}, 20_000);
  const { dir } = db;
  const tempDirectory = async () => dataOf(await db.conn.call("execute_query", { sql: "PRAGMA temp_store_directory" }));

  it.each([
    ["execute_write", { sql: "PRAGMA main.'temp_store_directory' = '{dir}'" }],
    ["execute_write", { sql: "pragma TEMP_STORE_DIRECTORY('{dir}'); SELECT 1" }],
    [
      "execute_transaction",
      { statements: [{ sql: "DELETE FROM items" }, { sql: "PRAGMA temp_store_directory='{dir}'" }] },
    ],
    ["execute_transaction", { statements: [{ sql: "PRAGMA hard_heap_limit = 4000000000" }] }],
  ])("%s refuses %j before SQLite compiles it; the process keeps its setting", async (tool, args) => {
    const before = await tempDirectory();
    const heap = dataOf(await db.conn.call("execute_query", { sql: "PRAGMA hard_heap_limit" }));
    const rows = snapshot(db.path);
    const pid = db.executor.pid;
    const result = await db.conn.call(tool, JSON.parse(JSON.stringify(args).replaceAll("{dir}", dir)));
    expect(await tempDirectory()).toEqual(before);
    expect(dataOf(await db.conn.call("execute_query", { sql: "PRAGMA hard_heap_limit" }))).toEqual(heap);
    expect(snapshot(db.path)).toEqual(rows);
    expect(db.executor.pid).toBe(pid);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/refused, nothing ran: .*whole process/);
  });
});

describe("execute_write's changes and lastInsertRowid", () => {
  const db = useSeededServer();
  const write = (sql: string, params?: unknown) => db.conn.call("execute_write", { sql, params });

  it("counts only the statement's own rows, with or without RETURNING, and a trigger's rows in neither", async () => {
    await write("CREATE TABLE audit (what TEXT)");
    await write("CREATE TABLE watched (id INTEGER PRIMARY KEY, v)");
    await write("CREATE TRIGGER watched_in AFTER INSERT ON watched BEGIN INSERT INTO audit VALUES ('in'); END");
    await write("CREATE TRIGGER watched_up AFTER UPDATE ON watched BEGIN INSERT INTO audit VALUES ('up'); END");
    await write("CREATE TRIGGER watched_out AFTER DELETE ON watched BEGIN INSERT INTO audit VALUES ('out'); END");
    expect(dataOf(await write("INSERT INTO watched (v) VALUES (NULL)"))).toEqual({ changes: 1, lastInsertRowid: 1 });
    expect(dataOf(await write("INSERT INTO watched (v) VALUES (NULL) RETURNING id"))).toMatchObject({
      changes: 1,
      lastInsertRowid: 2,
      rows: [[2]],
    });
    expect(dataOf(await write("UPDATE watched SET v = 1 RETURNING id"))).toMatchObject({ changes: 2, rowCount: 2 });
    const data = dataOf<{ results: Record<string, unknown>[] }>(
      await db.conn.call("execute_transaction", {
        statements: [
          { sql: "INSERT INTO watched (v) VALUES (1), (2) RETURNING id" },
          { sql: "DELETE FROM watched WHERE id <= 2 RETURNING id" },
          { sql: "SELECT count(*) FROM audit" },
        ],
      }),
    );
    expect(data.results.map((r) => r.changes)).toEqual([2, 2, 0]);
    expect(data.results[2]?.rows).toEqual([[8]]);
    // Its AFTER UPDATE trigger inserts into audit: no rowid of that, nor the stale one of the INSERT before, is shown.
    expect(dataOf(await write("UPDATE watched SET v = 2"))).toEqual({ changes: 2 });
  });

  it("gives lastInsertRowid only for an INSERT or REPLACE that inserted rows, never a stale one", async () => {
    const inserted = dataOf<{ lastInsertRowid: number }>(await write("INSERT INTO items (name) VALUES ('plum')"));
    expect(inserted.lastInsertRowid).toBeGreaterThan(0);
    expect(
      dataOf(await write("REPLACE INTO items (id, name) VALUES (?, 'plum2')", [inserted.lastInsertRowid])),
    ).toEqual({ changes: 1, lastInsertRowid: inserted.lastInsertRowid });
    expect(dataOf(await write("UPDATE items SET qty = 0 WHERE id = 1"))).toEqual({ changes: 1 });
    expect(dataOf(await write("DELETE FROM items WHERE id = -1"))).toEqual({ changes: 0 });
    expect(dataOf(await write("INSERT INTO items (name) SELECT name FROM items WHERE 0"))).toEqual({ changes: 0 });
    const failed = await db.conn.call("execute_transaction", {
      statements: [{ sql: "INSERT INTO items (name) VALUES ('gone')" }, { sql: "INSERT INTO nowhere VALUES (1)" }],
    });
    expect(failed.isError).toBe(true);
    expect(dataOf(await write("UPDATE items SET qty = 1 WHERE id = 1"))).toEqual({ changes: 1 });
    expect(dataOf(await write("CREATE TABLE plain (k TEXT PRIMARY KEY) WITHOUT ROWID"))).toEqual({ changes: 0 });
    expect(dataOf(await write("INSERT INTO plain VALUES ('a')"))).toEqual({ changes: 1 });
  });

  it("gives an upsert's lastInsertRowid only when one of its rows was inserted", async () => {
    await write("CREATE TABLE stock (id INTEGER PRIMARY KEY, sku TEXT UNIQUE, n INTEGER)");
    const upsert = "INSERT INTO stock (sku, n) VALUES (?, 1) ON CONFLICT (sku) DO UPDATE SET n = n + 1";
    expect(dataOf(await write(upsert, ["a"]))).toEqual({ changes: 1, lastInsertRowid: 1 });
    expect(dataOf(await write("INSERT INTO items (name) VALUES ('fig')"))).toMatchObject({ changes: 1 });
    expect(dataOf(await write(upsert, ["a"]))).toEqual({ changes: 1 });
    expect(dataOf(await write(upsert, ["b"]))).toEqual({ changes: 1, lastInsertRowid: 2 });
    expect(
      dataOf(await write("INSERT INTO stock (sku, n) VALUES ('a', 1), ('c', 1) ON CONFLICT (sku) DO UPDATE SET n = 0")),
    ).toEqual({ changes: 2, lastInsertRowid: 3 });
  });
});

describe("execute_write's RETURNING rows cut by the row cap", () => {
  const db = useSeededServer({ maxRows: 2 });

  it("says the statement already ran and changed every row, and not to run it again", async () => {
    const result = await db.conn.call("execute_write", { sql: "UPDATE items SET qty = qty + 1 RETURNING id" });
    const data = dataOf<{ changes: number; rowCount: number; note: string }>(result);
    expect(data).toMatchObject({ changes: 3, rowCount: 2, truncated: true, total: 3 });
    expect(data.note).toMatch(
      /already ran and changed 3 rows; only the rows it returned were cut.*Do not run it again/,
    );
    expect(data.note).not.toMatch(/LIMIT|OFFSET|WHERE/);
  });

  it("says the transaction was committed when a statement's rows were cut", async () => {
    const result = await db.conn.call("execute_transaction", {
      statements: [{ sql: "UPDATE items SET qty = qty + 1 RETURNING id" }],
    });
    const data = dataOf<{ note: string; results: { note: string }[] }>(result);
    expect(data.note).toMatch(/Every statement ran and the transaction was committed/);
    expect(data.results[0]?.note).toMatch(/already ran and changed 3 rows/);
  });

  it("says deleted rows cannot be read back, and a read in a transaction that it changed nothing", async () => {
    const deleted = await db.conn.call("execute_transaction", {
      statements: [
        { sql: "DELETE FROM items RETURNING id" },
        { sql: "SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3" },
      ],
    });
    const data = dataOf<{ results: { note: string }[] }>(deleted);
    expect(data.results[0]?.note).toMatch(/changed 3 rows;.* rows it deleted are gone, so next time return fewer/);
    expect(data.results[1]?.note).toMatch(
      /^only the rows it returned were cut, to 0 of 3 \(row cap 2, set by maxRows\), and it changed no rows: page through them with execute_query/,
    );
    expect(data.results[1]?.note).not.toMatch(/Do not run it again/);
  });
});

describe("execute_write on a rollback-journal file another connection holds an EXCLUSIVE lock on", () => {
  const server = useRollbackLockedServer();

  it("says what execute_query says: the statement did not run, nothing changed, retry shortly", async () => {
    const sql = "UPDATE items SET qty = 0";
    const { result, before, after } = await server.callLocked("execute_write", { sql });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(lockedReply("execute_write", "the statement did not run"));
    expect(textOf(result)).toMatch(/Statement: UPDATE items SET qty = 0$/);
    expect(after).toEqual(before);
    expect(dataOf(await server.conn.call("execute_write", { sql }))).toMatchObject({ changes: 3 });
  });
});
