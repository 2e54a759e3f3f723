import { describe, expect, it } from "vitest";
import { dataOf, snapshot, textOf, useSeededServer } from "../helpers.js";
import { lockedReply, useRollbackLockedServer } from "../rollback-lock.js";

describe("execute_transaction", () => {
  const db = useSeededServer();

  it("asks for a stacked statement to be split into entries of statements", async () => {
    const result = await db.conn.call("execute_transaction", {
      statements: [{ sql: "INSERT INTO items (name) VALUES ('a'); INSERT INTO items (name) VALUES ('b')" }],
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /more than one statement, so nothing ran; give each statement its own entry in statements/,
    );
    expect(textOf(result)).not.toMatch(/send one statement per call/);
  });
  const { path } = db;
  const txn = (statements: { sql: string; params?: unknown }[]) => db.conn.call("execute_transaction", { statements });

  it("applies every statement, in order, and returns each result", async () => {
    const data = dataOf<{ results: Record<string, unknown>[] }>(
      await txn([
        { sql: "CREATE TABLE log (id INTEGER PRIMARY KEY, what TEXT)" },
        { sql: "INSERT INTO log (what) VALUES (?)", params: ["created"] },
        { sql: "UPDATE items SET qty = qty * 2 WHERE name = :n", params: { n: "pear" } },
        { sql: "SELECT qty FROM items WHERE name = 'pear'" },
      ]),
    );
    expect(data.results).toEqual([
      { changes: 0 },
      { changes: 1, lastInsertRowid: 1 },
      { changes: 1 },
      expect.objectContaining({ rows: [[10]], changes: 0 }),
    ]);
  });

  it.each([
    [
      [{ sql: "DELETE FROM items" }, { sql: "INSERT INTO nowhere VALUES (1)" }],
      /statement 2 of 2 failed.*rolled back.*no such table: nowhere/,
    ],
    [[{ sql: "DELETE FROM items" }, { sql: "SELECT 1; SELECT 2" }], /statement 2 of 2.*more than one statement/],
    [[{ sql: "DELETE FROM items" }, { sql: "COMMIT" }], /statement 2 of 2.*leave out BEGIN\/COMMIT/],
    [
      [{ sql: "DELETE FROM items" }, { sql: "INSERT INTO items (id, name) VALUES (?, ?)", params: [1] }],
      /Too few parameter/,
    ],
    [[{ sql: "UPDATE items SET name = NULL" }], /NOT NULL constraint failed/],
    [[], /send 1 to 100/],
  ])("rolls everything back when a statement fails (%#)", async (statements, reason) => {
    const expected = snapshot(path);
    const result = await txn(statements);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(reason);
    expect(snapshot(path)).toEqual(expected);
  });

  it("uses a TEMP table within the transaction, but rolls back one that would outlive it", async () => {
    const used = await txn([
      { sql: "CREATE TEMP TABLE staging AS SELECT name FROM items" },
      { sql: "SELECT count(*) FROM staging" },
      { sql: "DROP TABLE staging" },
    ]);
    expect(dataOf(used)).toMatchObject({ results: [{}, { rows: [[3]] }, {}] });
    const expected = snapshot(path);
    const left = await txn([
      { sql: "CREATE TEMP TABLE staging (x)" },
      { sql: "CREATE TEMP TRIGGER spy AFTER INSERT ON items BEGIN INSERT INTO staging VALUES (NEW.id); END" },
      { sql: "UPDATE items SET qty = 0" },
    ]);
    expect(left.isError).toBe(true);
    expect(textOf(left)).toMatch(
      /TEMP table "staging", trigger "spy" would stay on this server's write connection.*rolled back and nothing was applied/,
    );
    expect(snapshot(path)).toEqual(expected);
    // Nothing of it is left: the same names are free, and an insert fires no trigger.
    const again = await txn([{ sql: "CREATE TEMP TABLE staging (x)" }, { sql: "DROP TABLE staging" }]);
    expect(again.isError).toBeFalsy();
    const insert = await txn([{ sql: "INSERT INTO items (name) VALUES ('plum')" }]);
    expect(dataOf(insert)).toMatchObject({ results: [{ changes: 1 }] });
  });

  describe("PRAGMA foreign_keys, which SQLite takes only outside a transaction", () => {
    const setUp = [
      { sql: "CREATE TABLE owners (id INTEGER PRIMARY KEY, name TEXT)" },
      { sql: "CREATE TABLE pets (id INTEGER PRIMARY KEY, owner INTEGER REFERENCES owners(id) ON DELETE CASCADE)" },
      { sql: "INSERT INTO owners (id, name) VALUES (1, 'ann'), (2, 'bob')" },
      { sql: "INSERT INTO pets (owner) VALUES (1), (1), (2)" },
    ];
    const rebuild = [
      { sql: "CREATE TABLE owners_new (id INTEGER PRIMARY KEY, name TEXT, phone TEXT)" },
      { sql: "INSERT INTO owners_new (id, name) SELECT id, name FROM owners" },
      { sql: "DROP TABLE owners" },
      { sql: "ALTER TABLE owners_new RENAME TO owners" },
    ];
    const keysOn = async () =>
      dataOf<{ results: { rows: unknown[][] }[] }>(await txn([{ sql: "PRAGMA foreign_keys" }])).results[0]?.rows;
    const count = async (table: string) =>
      dataOf<{ rows: unknown[][] }>(await db.conn.call("execute_query", { sql: `SELECT count(*) FROM ${table}` })).rows;

    it("rebuilds a parent table with the keys off when that comes first, keeping the children, then turns them on", async () => {
      expect((await txn(setUp)).isError).toBeFalsy();
      const result = await txn([{ sql: "PRAGMA foreign_keys = OFF" }, ...rebuild, { sql: "PRAGMA foreign_keys = ON" }]);
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(dataOf<{ results: unknown[] }>(result).results).toHaveLength(6);
      expect(await count("pets")).toEqual([[3]]);
      expect(await keysOn()).toEqual([[1]]);
      const orphan = await txn([{ sql: "INSERT INTO pets (owner) VALUES (99)" }]);
      expect(textOf(orphan)).toMatch(/FOREIGN KEY constraint failed/);
    });

    it("rolls back a transaction that leaves keys broken while they were off, naming the rows", async () => {
      const expected = snapshot(path);
      const result = await txn([{ sql: "PRAGMA foreign_keys(0)" }, { sql: "DELETE FROM owners WHERE id = 2" }]);
      expect(textOf(result)).toBe(
        "execute_transaction failed: with foreign keys off, the statements left 1 row(s) whose key has no parent (pets rowid 3 → owners), so the transaction was rolled back and nothing was applied; fix or delete those rows within the transaction (PRAGMA foreign_key_check lists them)",
      );
      expect(snapshot(path)).toEqual(expected);
      expect(await keysOn()).toEqual([[1]]);
    });

    it("without a last one, puts the setting back after the transaction", async () => {
      const result = await txn([{ sql: "PRAGMA foreign_keys = OFF" }, { sql: "UPDATE pets SET owner = owner" }]);
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(await keysOn()).toEqual([[1]]);
    });

    it("says so when the last one, run after the commit, fails: the others were applied", async () => {
      const result = await txn([
        { sql: "PRAGMA foreign_keys = OFF" },
        { sql: "INSERT INTO owners (name) VALUES ('cy')" },
        { sql: "PRAGMA foreign_keys = ON oops" },
      ]);
      expect(textOf(result)).toMatch(
        /^execute_transaction failed: statement 3 of 3 failed, after the transaction was committed \(the others were applied\): near "oops"/,
      );
      expect(await count("owners WHERE name = 'cy'")).toEqual([[1]]);
      expect(await keysOn()).toEqual([[1]]);
    });

    it("puts the setting back even when a last one sets it otherwise", async () => {
      const result = await txn([
        { sql: "PRAGMA foreign_keys = OFF" },
        { sql: "UPDATE pets SET owner = owner" },
        { sql: "PRAGMA foreign_keys = OFF" },
      ]);
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(await keysOn()).toEqual([[1]]);
    });

    it("refuses it after the first statement, where it would change nothing", async () => {
      const expected = snapshot(path);
      const result = await txn([{ sql: "DELETE FROM pets WHERE id = 1" }, { sql: "PRAGMA foreign_keys = OFF" }]);
      expect(textOf(result)).toMatch(
        /statement 2 of 2 failed.*changes nothing inside a transaction.*make it the first/,
      );
      expect(snapshot(path)).toEqual(expected);
    });
  });

  describe("connection settings, which hold for the transaction only", () => {
    const read = async (name: string) =>
      dataOf<{ results: { rows: unknown[][] }[] }>(await txn([{ sql: `PRAGMA ${name}` }])).results[0]?.rows;

    it("applies ignore_check_constraints to the statements after it, then puts it back", async () => {
      expect((await txn([{ sql: "CREATE TABLE stock (n INTEGER CHECK (n >= 0))" }])).isError).toBeFalsy();
      const loose = await txn([
        { sql: "PRAGMA ignore_check_constraints = ON" },
        { sql: "INSERT INTO stock (n) VALUES (-1)" },
      ]);
      expect(loose.isError, textOf(loose)).toBeFalsy();
      expect(await read("ignore_check_constraints")).toEqual([[0]]);
      const strict = await txn([{ sql: "INSERT INTO stock (n) VALUES (-2)" }]);
      expect(textOf(strict)).toMatch(/CHECK constraint failed/);
      const write = await db.conn.call("execute_write", { sql: "INSERT INTO stock (n) VALUES (-3)" });
      expect(textOf(write)).toMatch(/CHECK constraint failed/);
    });

    it("puts back every setting the statements changed, also when they fail", async () => {
      const before = [await read("cache_size"), await read("recursive_triggers"), await read("temp.cache_size")];
      const failed = await txn([
        { sql: "PRAGMA cache_size = 11" },
        { sql: "PRAGMA recursive_triggers = ON" },
        { sql: "PRAGMA temp.cache_size = 12" },
        { sql: "INSERT INTO nowhere VALUES (1)" },
      ]);
      expect(textOf(failed)).toMatch(/statement 4 of 4 failed.*no such table/);
      expect([await read("cache_size"), await read("recursive_triggers"), await read("temp.cache_size")]).toEqual(
        before,
      );
    });

    it.each([
      ["PRAGMA synchronous = OFF", /durable/],
      ["PRAGMA writable_schema = ON", /defensive mode/],
    ])("refuses %s", async (sql, reason) => {
      const result = await txn([{ sql }, { sql: "DELETE FROM items" }]);
      expect(textOf(result)).toMatch(reason);
      expect(textOf(result)).toMatch(/refused, nothing ran/);
    });
  });

  it("says a transaction refused at COMMIT (a deferred foreign key still broken) applied nothing, and why", async () => {
    expect(
      (await txn([{ sql: "CREATE TABLE kids (id INTEGER PRIMARY KEY, item INTEGER REFERENCES items(id))" }])).isError,
    ).toBeFalsy();
    const expected = snapshot(path);
    const result = await txn([
      { sql: "PRAGMA defer_foreign_keys = ON" },
      { sql: "DELETE FROM items" },
      { sql: "INSERT INTO kids (item) VALUES (12345)" },
    ]);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /^execute_transaction failed: nothing was applied: FOREIGN KEY constraint failed \[SQLITE_CONSTRAINT_FOREIGNKEY\] — a deferred foreign key .* was still broken when the transaction ended: .* every child row's parent must exist/,
    );
    expect(snapshot(path)).toEqual(expected);
  });

  it.each([
    "PRAGMA locking_mode = EXCLUSIVE",
    "PRAGMA busy_timeout = 0",
    "PRAGMA main.query_only(1)",
    "PRAGMA journal_mode = DELETE",
    "PRAGMA max_page_count = 1",
  ])("refuses %s, a setting the server keeps for every call, and later writes still work", async (sql) => {
    const expected = snapshot(path);
    const result = await txn([{ sql: "UPDATE items SET qty = qty + 1" }, { sql }]);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/statement 2 of 2 failed.*setting this server keeps.*alone reads it/);
    expect(snapshot(path)).toEqual(expected);
    expect((await txn([{ sql: "UPDATE items SET qty = qty WHERE id = 1" }])).isError).toBeFalsy();
    const grown = await txn([{ sql: "INSERT INTO items (name) SELECT printf('%.9000c', 'g') FROM items" }]);
    expect(grown.isError, textOf(grown)).toBeFalsy();
    const settings = await txn([{ sql: "PRAGMA locking_mode" }, { sql: "PRAGMA query_only" }]);
    expect(dataOf(settings)).toMatchObject({ results: [{ rows: [["normal"]] }, { rows: [[0]] }] });
    const mode = await db.conn.call("execute_query", { sql: "PRAGMA journal_mode" });
    expect(dataOf(mode)).toMatchObject({ rows: [["wal"]] });
  });

  it.each([
    [{ sql: "DELETE FROM items", parameters: [] }, "statements.1: no field named parameters; it takes sql, params"],
    [{ sql: "DELETE FROM items", parms: [] }, "statements.1: no field named parms (did you mean params?)"],
    [{ query: "DELETE FROM items" }, "statements.1: no field named query; it takes sql, params"],
  ])("refuses a statement with a key it does not take, %j, and runs none", async (statement, message) => {
    const expected = snapshot(path);
    const result = await txn([{ sql: "UPDATE items SET qty = 0" }, statement as { sql: string }]);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(message);
    expect(snapshot(path)).toEqual(expected);
  });
});

describe("execute_transaction's RETURNING rows past the response cap", () => {
  const roomy = useSeededServer();
  const tight = useSeededServer({ maxResponseBytes: 1000 });
  type Reply = { results: Record<string, unknown>[]; truncated?: boolean; note?: string };
  const count = (conn: typeof roomy.conn, table: string) =>
    conn
      .call("execute_query", { sql: `SELECT count(*) FROM ${table}` })
      .then((r) => dataOf<{ rows: number[][] }>(r).rows[0]?.[0]);

  it("commits every statement and cuts the rows shown, within the cap", async () => {
    const columns = Array.from({ length: 8 }, (_, i) => `s AS returned_document_body_column_${i}`).join(", ");
    const statements = [
      { sql: "CREATE TABLE r (id INTEGER PRIMARY KEY, s TEXT)" },
      ...Array.from({ length: 20 }, (_, i) => ({
        sql: `INSERT INTO r(s) VALUES (?) RETURNING ${columns}`,
        params: [String(i % 10).repeat(1500)],
      })),
    ];
    const result = await roomy.conn.call("execute_transaction", { statements });
    expect(result.isError).toBeFalsy();
    expect(Buffer.byteLength(textOf(result))).toBeLessThanOrEqual(100_000);
    const data = dataOf<Reply>(result);
    expect(data.results).toHaveLength(21);
    expect(data.results.every((r, i) => i === 0 || r.changes === 1)).toBe(true);
    expect(data.truncated).toBe(true);
    expect(data.note).toMatch(/rows are left out of this reply: all rows of statements \d+–21\..*committed/);
    expect(await count(roomy.conn, "r")).toBe(20);
  });

  it("holds 100 statements' replies to a 1000-byte cap", async () => {
    const statements = [
      { sql: "CREATE TABLE q (id INTEGER PRIMARY KEY)" },
      ...Array.from({ length: 99 }, () => ({ sql: "INSERT INTO q DEFAULT VALUES RETURNING id" })),
    ];
    const result = await tight.conn.call("execute_transaction", { statements });
    expect(result.isError).toBeFalsy();
    expect(Buffer.byteLength(textOf(result))).toBeLessThanOrEqual(1000);
    expect(dataOf<Reply>(result).note).toMatch(
      /are left out of this reply.*capped at 1000 bytes \(set by maxResponseBytes\)/,
    );
    expect(await count(tight.conn, "q")).toBe(99);
  });

  it("still refuses a statement whose column names alone pass what any reply can hold", async () => {
    const columns = Array.from({ length: 60 }, (_, i) => `1 AS a_rather_long_column_name_${i}`).join(", ");
    const result = await tight.conn.call("execute_transaction", {
      statements: [{ sql: `INSERT INTO items (name) VALUES ('x') RETURNING ${columns}` }],
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /column names alone take (\d+) bytes, more than the 400 bytes .* 1000-byte response cap \(set by maxResponseBytes\)/,
    );
  });
});

describe("execute_transaction on a rollback-journal file another connection holds an EXCLUSIVE lock on", () => {
  const server = useRollbackLockedServer();

  it("says the transaction did not run, that nothing changed, who holds the lock and to retry", async () => {
    const statements = [{ sql: "UPDATE items SET qty = 0" }, { sql: "DELETE FROM items WHERE id = 1" }];
    const { result, before, after } = await server.callLocked("execute_transaction", { statements });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      lockedReply("execute_transaction", "the transaction did not run (none of its 2 statements)"),
    );
    expect(after).toEqual(before);
    expect(dataOf(await server.conn.call("execute_transaction", { statements }))).toMatchObject({
      results: [{ changes: 3 }, { changes: 1 }],
    });
  });
});
