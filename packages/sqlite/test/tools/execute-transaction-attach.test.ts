import { existsSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { connect, dataOf, seedDatabase, snapshot, tempDir, textOf, useSeededServer } from "../helpers.js";

type Results = { results: { rows?: unknown[][] }[] };

describe("ATTACH under allowAttach: a database attached lasts for the execute_transaction call that attached it", () => {
  const db = useSeededServer({ allowAttach: true });
  const { dir, path } = db;
  const txn = (statements: { sql: string; params?: unknown }[]) => db.conn.call("execute_transaction", { statements });
  /** The databases attached to the write connection now: none, when nothing outlived its call. */
  const attached = async () =>
    dataOf<Results>(await txn([{ sql: "SELECT name FROM pragma_database_list WHERE seq >= 2" }])).results[0]?.rows;

  it("is usable by the statements after it, commits with them, and is detached when the call ends", async () => {
    const other = join(dir, "other.db");
    const seed = new Database(other);
    seed.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('a')");
    seed.close();
    const data = dataOf<Results>(
      await txn([
        { sql: "ATTACH ? AS o", params: [other] },
        { sql: "INSERT INTO o.notes SELECT name FROM items WHERE qty > 4" },
        { sql: "SELECT count(*) FROM o.notes" },
      ]),
    );
    expect(data.results[2]?.rows).toEqual([[3]]);
    expect(await attached()).toEqual([]);
    const check = new Database(other, { readonly: true });
    expect(check.prepare("SELECT count(*) FROM notes").pluck().get()).toBe(3);
    check.close();
    // Attaching it again is no "database o is already in use": the call that attached it detached it.
    expect((await txn([{ sql: "ATTACH ? AS o", params: [other] }])).isError).toBeFalsy();
  });

  it("is detached after a rolled-back call, whose message names the file ATTACH created", async () => {
    const x = join(dir, "x.db");
    const statements = [
      { sql: "ATTACH ? AS x", params: [x] },
      { sql: "CREATE TABLE x.k (a)" },
      { sql: "SELECT nosuchcol FROM x.k" },
    ];
    const before = snapshot(path);
    for (let i = 0; i < 2; i++) {
      const result = await txn(statements);
      expect(result.isError).toBe(true);
      // The same error both times: no "database x is already in use" the second time.
      expect(textOf(result)).toMatch(
        /^execute_transaction failed: statement 3 of 3 failed, so the transaction was rolled back and nothing was applied: no such column: nosuchcol.*ATTACH created the file .*x\.db, which did not exist \(or was empty\).*rolling back does not remove it/,
      );
      expect(await attached()).toEqual([]);
    }
    expect(snapshot(path)).toEqual(before);
    expect(existsSync(x)).toBe(true);
    // Attached again, the file holds no table: the CREATE TABLE was rolled back with the rest.
    const tables = await txn([{ sql: "ATTACH ? AS x", params: [x] }, { sql: "SELECT name FROM x.sqlite_master" }]);
    expect(dataOf<Results>(tables).results[1]?.rows).toEqual([]);
  });

  it("names no file when ATTACH created none", async () => {
    const other = join(dir, "other.db");
    const result = await txn([{ sql: "ATTACH ? AS o", params: [other] }, { sql: "DELETE FROM o.nowhere" }]);
    expect(textOf(result)).toMatch(/rolled back and nothing was applied: no such table: o\.nowhere/);
    expect(textOf(result)).not.toMatch(/ATTACH created/);
    expect(await attached()).toEqual([]);
  });

  it("is not seen by a later execute_query, whose hint says to query it in the call that attaches it", async () => {
    const other = join(dir, "other.db");
    expect((await txn([{ sql: "ATTACH ? AS o", params: [other] }])).isError).toBeFalsy();
    const result = await db.conn.call("execute_query", { sql: "SELECT count(*) FROM o.notes" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/no such table: o\.notes.*attached for one execute_transaction call only/);
  });

  it.each([
    ["the server's own database", (_: string) => path, /is already attached as main \(this server's database\)/],
    ["a file attached twice", (file: string) => file, /other\.db is already attached as o: attached again as p/],
  ])("refuses %s, rolls back and detaches", async (_name, second, message) => {
    const other = join(dir, "other.db");
    const result = await txn([
      { sql: "ATTACH ? AS o", params: [other] },
      { sql: "ATTACH ? AS p", params: [second(other)] },
      { sql: "INSERT INTO p.notes VALUES ('never')" },
    ]);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/statement 2 of 3 failed, so the transaction was rolled back/);
    expect(textOf(result)).toMatch(message);
    expect(textOf(result)).not.toMatch(/retry shortly/);
    expect(await attached()).toEqual([]);
  });

  it("says to leave out a DETACH that SQLite refuses inside the transaction", async () => {
    const result = await txn([
      { sql: "ATTACH ? AS o", params: [join(dir, "other.db")] },
      { sql: "INSERT INTO o.notes VALUES ('b')" },
      { sql: "DETACH o" },
    ]);
    expect(textOf(result)).toMatch(/rolled back.*database o is locked.*leave out DETACH/);
    expect(textOf(result)).not.toMatch(/retry shortly/);
    expect(await attached()).toEqual([]);
  });

  it.each([
    ["execute_query", "ATTACH '{dir}/q.db' AS q"],
    ["execute_query", "DETACH q"],
    ["execute_write", "ATTACH '{dir}/q.db' AS q"],
    ["execute_write", "DETACH q"],
  ])("%s refuses %s, saying to send it to execute_transaction with the statements that use it", async (tool, sql) => {
    const result = await db.conn.call(tool, { sql: sql.replaceAll("{dir}", dir) });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /^execute_(query|write) failed: refused, nothing ran: a database attached by this server lasts for one call only.*send the ATTACH there, followed by the statements that use the attached database/,
    );
    expect(existsSync(join(dir, "q.db"))).toBe(false);
    expect(await attached()).toEqual([]);
  });
});

describe("ATTACH and VACUUM INTO on a read-only server with allowAttach: no tool offered takes them", () => {
  const db = useSeededServer({ allowAttach: true, readOnly: true });

  it.each([
    [
      "ATTACH '{dir}/q.db' AS q",
      /^execute_query failed: refused, nothing ran: ATTACH\/DETACH .*only execute_transaction takes, and this server is read-only, so it offers only execute_query, list_tables and describe_table; query the tables of main\./,
    ],
    [
      "VACUUM INTO '{dir}/q.db'",
      /^execute_query failed: refused, nothing ran: VACUUM INTO .*only execute_write takes, and this server is read-only/,
    ],
  ])("execute_query refuses %s, saying the tool that takes it is not offered", async (sql, message) => {
    const result = await db.conn.call("execute_query", { sql: sql.replaceAll("{dir}", db.dir) });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
    expect(existsSync(join(db.dir, "q.db"))).toBe(false);
  });

  it.each([
    [
      "execute_query",
      { sql: "SELECT * FROM a.t" },
      /no such table: a\.t .* this server is read-only and cannot ATTACH a: it offers only/,
    ],
    [
      "execute_query",
      { sql: "SELECT 1; SELECT 2" },
      /more than one statement, so nothing ran; send one statement per call\. /,
    ],
    [
      "describe_table",
      { table: "a.t" },
      /no database named "a" .* this server is read-only and cannot ATTACH a: it offers only/,
    ],
    [
      "describe_table",
      { table: "temp.x" },
      /no temporary table or view named "x": this server is read-only, so no call creates one/,
    ],
    ["execute_query", { sql: "BEGIN" }, /transaction control is not taken: this server is read-only/],
    [
      "execute_query",
      { sql: "PRAGMA foreign_keys = ON" },
      /so no call sets it, and this server is read-only: it offers only/,
    ],
    [
      "execute_query",
      { sql: "PRAGMA cache_size = 10" },
      /so no call sets it, and this server is read-only: it offers only/,
    ],
    ["execute_query", { sql: "DELETE FROM items" }, /writes, and this server is read-only: it offers only/],
  ])("%s %o: its hint names only the tools a read-only server offers", async (tool, args, message) => {
    const text = textOf(await db.conn.call(tool, args));
    expect(text).toMatch(message);
    expect(text).not.toMatch(/execute_transaction|execute_write/);
  });
});

describe("ATTACH on an open Database the library was given, with a database of its own attached", () => {
  it("detaches what the call attached and keeps the caller's own", async () => {
    const tmp = tempDir();
    const db = new Database(join(tmp.dir, "main.db"));
    try {
      seedDatabase(db.name);
      db.exec(`ATTACH '${join(tmp.dir, "own.db")}' AS own; CREATE TABLE own.t (x); INSERT INTO own.t VALUES (1)`);
      const conn = await connect({ database: db, allowAttach: true });
      const statements = [
        { sql: "ATTACH ? AS c", params: [join(tmp.dir, "c.db")] },
        { sql: "SELECT count(*) FROM own.t" },
      ];
      const result = await conn.call("execute_transaction", { statements });
      await conn.close();
      expect(dataOf<Results>(result).results[1]?.rows).toEqual([[1]]);
      const names = db.prepare("SELECT name FROM pragma_database_list WHERE seq >= 2").pluck().all();
      expect(names).toEqual(["own"]);
    } finally {
      db.close();
      tmp.cleanup();
    }
  });

  it("lets execute_query and describe_table read the caller's attached files, read-only, as execute_write writes them", async () => {
    const tmp = tempDir();
    const db = new Database(join(tmp.dir, "main.db"));
    try {
      seedDatabase(db.name);
      db.prepare('ATTACH ? AS "my own"').run(join(tmp.dir, "own.db"));
      db.exec('CREATE TABLE "my own".t (x); INSERT INTO "my own".t VALUES (1)');
      const conn = await connect({ database: db });
      try {
        await conn.call("execute_write", { sql: 'INSERT INTO "my own".t VALUES (2)' });
        const count = await conn.call("execute_query", { sql: 'SELECT count(*) FROM "my own".t' });
        expect(dataOf(count).rows).toEqual([[2]]);
        expect(dataOf(await conn.call("describe_table", { table: '"my own".t' }))).toMatchObject({
          database: "my own",
          rowCount: 2,
        });
        // A PRAGMA query replaces the reader, which attaches them again.
        await conn.call("execute_query", { sql: 'PRAGMA "my own".user_version' });
        const again = await conn.call("execute_query", { sql: 'SELECT max(x) FROM "my own".t' });
        expect(dataOf(again).rows).toEqual([[2]]);
      } finally {
        await conn.close();
      }
      expect(db.prepare('SELECT count(*) FROM "my own".t').pluck().get()).toBe(2);
    } finally {
      db.close();
      tmp.cleanup();
    }
  });
});
