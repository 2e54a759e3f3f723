import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type ClientKind, type ElicitAnswer, missingCapability } from "../../../core/test/clients.js";
import { type Connected, connect, dataOf, seedDatabase, tempDir, textOf } from "../helpers.js";

/** What the file holds, read directly: the tables and the items rows. */
function contents(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    const items = tables.includes("items") ? db.prepare("SELECT count(*) FROM items").pluck().get() : null;
    return { tables, items };
  } finally {
    db.close();
  }
}

const YES: ElicitAnswer = { action: "accept", content: { confirm: true } };
const NO: ElicitAnswer = { action: "decline" };

describe.each<ClientKind>(["modern", "v1@2025-11-25"])("--confirm destructive with a %s client", (kind) => {
  const tmp = tempDir();
  let conn: Connected | undefined;
  let path = "";
  let n = 0;
  afterAll(() => tmp.cleanup());
  afterEach(async () => {
    await conn?.close();
    conn = undefined;
  });
  const open = async (answer?: ElicitAnswer | ((message: string) => ElicitAnswer), asked?: string[]) => {
    path = join(tmp.dir, `data-${kind}-${n++}.db`);
    seedDatabase(path);
    conn = await connect({ database: path, confirm: "destructive" }, kind, answer ? { elicit: { answer, asked } } : {});
    return conn;
  };

  it("asks before DROP TABLE, naming the table and its rows; a decline leaves table and rows untouched", async () => {
    const asked: string[] = [];
    const c = await open(NO, asked);
    const result = await c.call("execute_write", { sql: "DROP TABLE items" });
    expect(asked).toEqual(['execute_write would permanently destroy table "items" and its 3 rows. Go ahead?']);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/the user declined destroying table "items" and its 3 rows\. Nothing was changed/);
    expect(contents(path)).toEqual({ tables: ["items"], items: 3 });
  });

  it("drops the table once the user accepts", async () => {
    const c = await open(YES);
    expect(dataOf(await c.call("execute_write", { sql: "DROP TABLE items" }))).toMatchObject({ changes: 0 });
    expect(contents(path)).toEqual({ tables: [], items: null });
  });

  it("asks before a DELETE without WHERE; accepted, the rows go", async () => {
    const asked: string[] = [];
    const c = await open(YES, asked);
    expect(dataOf(await c.call("execute_write", { sql: "DELETE FROM items" }))).toMatchObject({ changes: 3 });
    expect(asked).toEqual(['execute_write would permanently destroy every row of table "items" (3 rows). Go ahead?']);
    expect(contents(path)).toEqual({ tables: ["items"], items: 0 });
  });

  it("asks before a DELETE without WHERE that SQLite runs row by row (RETURNING, a DELETE trigger)", async () => {
    const asked: string[] = [];
    const c = await open(NO, asked);
    const returning = await c.call("execute_write", { sql: "DELETE FROM items RETURNING id" });
    expect(textOf(returning)).toMatch(/declined destroying every row of table "items" \(3 rows\)/);
    const trigger = await c.call("execute_transaction", {
      statements: [
        { sql: "CREATE TABLE gone (id INTEGER)" },
        { sql: "CREATE TRIGGER keep AFTER DELETE ON items BEGIN INSERT INTO gone VALUES (old.id); END" },
        { sql: "DELETE FROM items" },
      ],
    });
    expect(textOf(trigger)).toMatch(/declined destroying every row of table "items" \(3 rows\)/);
    expect(asked).toHaveLength(2);
    expect(contents(path)).toEqual({ tables: ["items"], items: 3 });
  });

  it("asks before INSERT OR REPLACE / REPLACE INTO, which overwrite rows sharing a key; declined, nothing changes", async () => {
    const asked: string[] = [];
    const c = await open(NO, asked);
    for (const sql of [
      "INSERT OR REPLACE INTO items (id, name) VALUES (1, 'new')",
      "REPLACE INTO items (id, name) VALUES (1, 'new')",
    ]) {
      const result = await c.call("execute_write", { sql });
      expect(textOf(result)).toMatch(/declined destroying any row of table "items" whose key a new row repeats/);
    }
    expect(asked).toEqual([
      'execute_write would permanently destroy any row of table "items" whose key a new row repeats (REPLACE overwrites it). Go ahead?',
      'execute_write would permanently destroy any row of table "items" whose key a new row repeats (REPLACE overwrites it). Go ahead?',
    ]);
    expect(contents(path)).toEqual({ tables: ["items"], items: 3 });
    expect(
      (await c.call("execute_query", { sql: "SELECT name FROM items WHERE id = 1" })).structuredContent,
    ).toMatchObject({
      rows: [["apple"]],
    });
  });

  it("does not ask for a DELETE with WHERE, or an INSERT", async () => {
    const asked: string[] = [];
    const c = await open(NO, asked);
    expect(dataOf(await c.call("execute_write", { sql: "DELETE FROM items WHERE id = 1" }))).toMatchObject({
      changes: 1,
    });
    expect(dataOf(await c.call("execute_write", { sql: "INSERT INTO items (name) VALUES ('fig')" }))).toMatchObject({
      changes: 1,
    });
    expect(asked).toEqual([]);
  });

  it("asks once about everything a transaction would destroy, counted as each statement meets it", async () => {
    const asked: string[] = [];
    const c = await open(NO, asked);
    const statements = [
      { sql: "CREATE TABLE logs (line TEXT)" },
      { sql: "INSERT INTO logs VALUES ('a'), ('b')" },
      { sql: "DELETE FROM logs" },
      { sql: "INSERT INTO items (name) VALUES ('fig')" },
      { sql: "DROP TABLE items" },
    ];
    const result = await c.call("execute_transaction", { statements });
    expect(result.isError).toBe(true);
    expect(asked).toEqual([
      'execute_transaction would permanently destroy every row of table "logs" (2 rows); table "items" and its 4 rows. Go ahead?',
    ]);
    expect(contents(path)).toEqual({ tables: ["items"], items: 3 });
  });

  it("asks again, with the new count, when the table changes while the user decides", async () => {
    const asked: string[] = [];
    const c = await open(() => {
      // Another program adds a row while the first question is on screen.
      if (asked.length === 1) {
        const other = new Database(path);
        other.exec("INSERT INTO items (name) VALUES ('late')");
        other.close();
      }
      return YES;
    }, asked);
    expect((await c.call("execute_write", { sql: "DELETE FROM items" })).isError).toBeFalsy();
    expect(asked).toEqual([
      'execute_write would permanently destroy every row of table "items" (3 rows). Go ahead?',
      'execute_write would permanently destroy every row of table "items" (4 rows). Go ahead?',
    ]);
    expect(contents(path)).toEqual({ tables: ["items"], items: 0 });
  });

  it("rolls back a confirmed write the table outgrew between the yes and the write, saying so", async () => {
    const asked: string[] = [];
    let other: Database.Database | undefined;
    const c = await open(() => {
      // Another program starts adding a row as the user says yes, and commits it only once the write waits on it:
      // the count the write checks is the confirmed one, the rows it would delete are not.
      other = new Database(path);
      other.pragma("busy_timeout = 5000");
      other.exec("BEGIN IMMEDIATE; INSERT INTO items (name) VALUES ('late')");
      setTimeout(() => other?.exec("COMMIT"), 300);
      return YES;
    }, asked);
    const result = await c.call("execute_write", { sql: "DELETE FROM items" });
    other?.close();
    expect(asked).toEqual(['execute_write would permanently destroy every row of table "items" (3 rows). Go ahead?']);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      'Not done: the user confirmed destroying every row of table "items" (3 rows), but the database changed before the write ran, and it would now destroy every row of table "items" (4 rows). Nothing was written; call execute_write again to get a fresh confirmation.',
    );
    expect(contents(path)).toEqual({ tables: ["items"], items: 4 });
  });

  it("a dismissed question changes nothing", async () => {
    const c = await open({ action: "cancel" });
    const result = await c.call("execute_transaction", { statements: [{ sql: "DROP TABLE items" }] });
    expect(textOf(result)).toMatch(/the user dismissed the question about destroying table "items" and its 3 rows/);
    expect(contents(path)).toEqual({ tables: ["items"], items: 3 });
  });

  it("refuses a call the client cannot be asked about: -32021 in 2026-07-28, an isError result in the 2025 era", async () => {
    if (kind === "modern") {
      const c = await open();
      const { message, required } = await missingCapability(c.call("execute_write", { sql: "DROP TABLE items" }));
      expect(required).toEqual({ elicitation: { form: {} } });
      expect(message).toContain(
        `the server runs with confirm: destructive, so a call that deletes or replaces a whole thing asks the user first, and this request's client capabilities do not declare elicitation (form mode), so the user cannot be asked ${JSON.stringify('execute_write would permanently destroy table "items" and its 3 rows. Go ahead?')}; nothing was changed`,
      );
      expect(contents(path)).toEqual({ tables: ["items"], items: 3 });
      return;
    }
    const c = await open();
    const result = await c.call("execute_write", { sql: "DROP TABLE items" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /table "items" and its 3 rows needs the user's confirmation, as the server runs with confirm: destructive, and this client cannot ask/,
    );
    expect(contents(path)).toEqual({ tables: ["items"], items: 3 });
  });

  it("asks nothing when confirm is off (the default)", async () => {
    path = join(tmp.dir, `off-${kind}.db`);
    seedDatabase(path);
    conn = await connect({ database: path }, kind, { elicit: { answer: NO } });
    expect((await conn.call("execute_write", { sql: "DROP TABLE items" })).isError).toBeFalsy();
    expect(contents(path).tables).toEqual([]);
  });
});
