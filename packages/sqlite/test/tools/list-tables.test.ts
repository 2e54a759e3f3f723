import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connected, connect, dataOf, tempDir, textOf } from "../helpers.js";
import { lockedReply, useRollbackLockedServer } from "../rollback-lock.js";

describe("list_tables", () => {
  const tmp = tempDir();
  const path = join(tmp.dir, "data.db");
  let conn: Connected;
  beforeAll(async () => {
    const db = new Database(path);
    db.exec(`CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
      CREATE TABLE "odd ""name""" (x);
      CREATE VIEW active AS SELECT id FROM users;
      CREATE INDEX users_email ON users (email);`);
    db.close();
    conn = await connect({ database: path });
  });
  afterAll(async () => {
    await conn.close();
    tmp.cleanup();
  });

  it("lists tables and views with their columns and types, and no internal tables", async () => {
    expect(dataOf(await conn.call("list_tables"))).toEqual({
      tables: [
        { name: "active", type: "view", columns: [{ name: "id", type: "INTEGER" }] },
        { name: 'odd "name"', type: "table", columns: [{ name: "x", type: "" }] },
        {
          name: "users",
          type: "table",
          columns: [
            { name: "id", type: "INTEGER", primaryKey: true },
            { name: "email", type: "TEXT" },
          ],
        },
      ],
    });
  });

  it("serves the schema as the sqlite://schema resource", async () => {
    const { contents } = await conn.client.readResource({ uri: "sqlite://schema" });
    const text = (contents[0] as { text: string }).text;
    expect(text).toContain("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);");
    expect(text).toContain("CREATE INDEX users_email ON users (email);");
    expect(text).toContain("CREATE VIEW active AS SELECT id FROM users;");
  });
});

describe("list_tables with generated and hidden columns", () => {
  const tmp = tempDir();
  const path = join(tmp.dir, "data.db");
  let conn: Connected;
  beforeAll(async () => {
    const db = new Database(path);
    db.exec(`CREATE TABLE g (a INT, b INT AS (a * 2), c TEXT AS (a || 'x') STORED);
      CREATE VIRTUAL TABLE docs USING fts5(body);
      INSERT INTO g (a) VALUES (1);`);
    db.close();
    conn = await connect({ database: path });
  });
  afterAll(async () => {
    await conn.close();
    tmp.cleanup();
  });

  it("lists the columns SELECT * returns, generated ones marked, and no virtual table's hidden ones", async () => {
    const { tables } = dataOf<{ tables: { name: string; columns: unknown[] }[] }>(await conn.call("list_tables"));
    expect(tables.find((t) => t.name === "g")?.columns).toEqual([
      { name: "a", type: "INT" },
      { name: "b", type: "INT", generated: "virtual" },
      { name: "c", type: "TEXT", generated: "stored" },
    ]);
    expect(tables.find((t) => t.name === "docs")?.columns).toEqual([{ name: "body", type: "" }]);
    const all = dataOf(await conn.call("execute_query", { sql: "SELECT * FROM g" }));
    expect(all).toMatchObject({ columns: ["a", "b", "c"], rows: [[1, 2, "1x"]] });
  });
});

describe("list_tables over more tables than its reply can show with columns", () => {
  const tmp = tempDir();
  const path = join(tmp.dir, "wide.db");
  const names = Array.from({ length: 1200 }, (_, i) => `table_${String(i).padStart(4, "0")}`);
  const conns: Connected[] = [];
  beforeAll(() => {
    const db = new Database(path);
    const columns = Array.from({ length: 20 }, (_, i) => `column_${i} TEXT`).join(", ");
    db.transaction(() => {
      for (const name of names) db.exec(`CREATE TABLE ${name} (id INTEGER PRIMARY KEY, ${columns})`);
    })();
    db.close();
  });
  afterAll(async () => {
    for (const conn of conns) await conn.close();
    tmp.cleanup();
  });
  const list = async (maxResponseBytes?: number) => {
    const conn = await connect({ database: path, ...(maxResponseBytes ? { maxResponseBytes } : {}) });
    conns.push(conn);
    const result = await conn.call("list_tables");
    return { conn, text: textOf(result), data: dataOf<Listing>(result) };
  };
  type Listing = { tables: { name: string }[]; more?: string[]; truncated?: boolean; note?: string };

  it("shows what fits with columns and names every other table, in order, within the cap", async () => {
    const { conn, text, data } = await list();
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(100_000);
    expect(data.truncated).toBe(true);
    expect(data.tables.length).toBeGreaterThan(50);
    expect([...data.tables.map((t) => t.name), ...(data.more ?? [])]).toEqual(names);
    expect(data.note).toBe(
      `showing ${data.tables.length} of 1200 tables and views with their columns (response cap 100000 bytes); the other ${1200 - data.tables.length} are named in more, in the same order: describe_table shows any one's columns`,
    );
    const last = await conn.call("describe_table", { table: data.more?.at(-1) ?? "" });
    expect(dataOf(last)).toMatchObject({ name: "table_1199", columns: expect.any(Array) });
  });

  it("past names that fit, gives the query whose pages list the rest, from where more stops", async () => {
    const { conn, text, data } = await list(4000);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(4000);
    const listed = [...data.tables.map((t) => t.name), ...(data.more ?? [])];
    expect(listed).toEqual(names.slice(0, listed.length));
    expect(listed.length).toBeLessThan(1200);
    const sql = data.note?.match(/execute_query lists them, (SELECT .*?OFFSET \d+)/)?.[1] ?? "";
    expect(sql).toMatch(new RegExp(`OFFSET ${listed.length}$`));
    // The query's first page goes on from the last name listed (this small cap cuts the page itself, too).
    const { rows } = dataOf<{ rows: string[][] }>(await conn.call("execute_query", { sql }));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(names.slice(listed.length, listed.length + rows.length).map((name) => [name, "table"]));
  });
});

describe("list_tables on a rollback-journal file another connection holds an EXCLUSIVE lock on", () => {
  const server = useRollbackLockedServer();

  it("says the list could not be read, that nothing changed, who holds the lock and to retry", async () => {
    const { result } = await server.callLocked("list_tables");
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(lockedReply("list_tables", "the list of tables could not be read"));
    expect(dataOf(await server.conn.call("list_tables"))).toMatchObject({ tables: [{ name: "items" }] });
  });
});
