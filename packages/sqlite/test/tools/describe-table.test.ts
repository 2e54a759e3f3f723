import { closeSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connected, connect, dataOf, tempDir, textOf } from "../helpers.js";
import { lockedReply, useRollbackLockedServer } from "../rollback-lock.js";

describe("describe_table", () => {
  const tmp = tempDir();
  const path = join(tmp.dir, "data.db");
  let conn: Connected;
  beforeAll(async () => {
    const db = new Database(path);
    db.exec(`CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, role TEXT DEFAULT 'member');
      CREATE TABLE posts (id INTEGER PRIMARY KEY, author INTEGER REFERENCES users (id) ON DELETE CASCADE, title TEXT);
      CREATE INDEX posts_author ON posts (author, title);
      CREATE UNIQUE INDEX users_lower_email ON users (lower(email), role);
      CREATE TRIGGER posts_touch AFTER INSERT ON posts BEGIN UPDATE users SET role = 'author' WHERE id = NEW.author; END;
      CREATE INDEX posts_untitled ON posts (author) WHERE title IS NULL;
      CREATE TABLE "a""; DROP TABLE users; --" (x);
      CREATE VIEW authors AS SELECT DISTINCT author FROM posts;
      CREATE TRIGGER authors_insert INSTEAD OF INSERT ON authors BEGIN SELECT 1; END;
      INSERT INTO users (email) VALUES ('a@x'), ('b@x');
      CREATE TABLE g (a INT, b INT AS (a * 2), c TEXT AS (a || 'x') STORED);
      CREATE VIRTUAL TABLE docs USING fts5(body);
      CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT);
      WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i <= 1000000)
        INSERT INTO events (kind) SELECT 'k' FROM c;`);
    db.close();
    conn = await connect({ database: path });
  });
  afterAll(async () => {
    await conn.close();
    tmp.cleanup();
  });

  it("shows columns, keys, indexes, foreign keys, row count and DDL", async () => {
    const users = dataOf(await conn.call("describe_table", { table: "USERS" }));
    expect(users).toMatchObject({
      name: "users",
      type: "table",
      rowCount: 2,
      columns: [
        { name: "id", type: "INTEGER", notNull: false, default: null, primaryKey: 1 },
        { name: "email", type: "TEXT", notNull: true, default: null, primaryKey: 0 },
        { name: "role", type: "TEXT", notNull: false, default: "'member'", primaryKey: 0 },
      ],
      indexes: expect.arrayContaining([
        {
          name: "sqlite_autoindex_users_1",
          columns: ["email"],
          unique: true,
          origin: "unique constraint",
          partial: false,
        },
      ]),
      foreignKeys: [],
    });
    expect(users.sql).toMatch(/^CREATE TABLE users/);
    const posts = dataOf(await conn.call("describe_table", { table: "posts" }));
    expect(posts).toMatchObject({
      indexes: expect.arrayContaining([
        expect.objectContaining({
          name: "posts_author",
          columns: ["author", "title"],
          unique: false,
          origin: "create index",
        }),
      ]),
      foreignKeys: [{ from: "author", table: "users", to: "id", onDelete: "CASCADE" }],
    });
  });

  it("shows the CREATE INDEX of an index on expressions or a partial one, which its columns cannot say", async () => {
    const users = dataOf<{ indexes: unknown[] }>(await conn.call("describe_table", { table: "users" }));
    expect(users.indexes).toContainEqual({
      name: "users_lower_email",
      columns: [null, "role"],
      unique: true,
      origin: "create index",
      partial: false,
      sql: "CREATE UNIQUE INDEX users_lower_email ON users (lower(email), role)",
    });
    const posts = dataOf<{ indexes: Record<string, unknown>[] }>(await conn.call("describe_table", { table: "posts" }));
    expect(posts.indexes.find((i) => i.name === "posts_untitled")).toMatchObject({
      columns: ["author"],
      partial: true,
      sql: "CREATE INDEX posts_untitled ON posts (author) WHERE title IS NULL",
    });
    // A plain index says all there is in its columns.
    expect(posts.indexes.find((i) => i.name === "posts_author")).not.toHaveProperty("sql");
  });

  it("lists the triggers of a table or view, which change what a write to it does", async () => {
    const posts = dataOf(await conn.call("describe_table", { table: "posts" }));
    expect(posts.triggers).toEqual([
      {
        name: "posts_touch",
        sql: "CREATE TRIGGER posts_touch AFTER INSERT ON posts BEGIN UPDATE users SET role = 'author' WHERE id = NEW.author; END",
      },
    ]);
    const authors = dataOf(await conn.call("describe_table", { table: "authors" }));
    expect(authors.triggers).toMatchObject([{ name: "authors_insert" }]);
    expect(dataOf(await conn.call("describe_table", { table: "users" })).triggers).toEqual([]);
  });

  it("takes a hostile name as a name", async () => {
    const data = dataOf(await conn.call("describe_table", { table: 'a"; DROP TABLE users; --' }));
    expect(data).toMatchObject({ name: 'a"; DROP TABLE users; --', rowCount: 0, columns: [{ name: "x" }] });
    expect(dataOf(await conn.call("describe_table", { table: "users" }))).toMatchObject({ rowCount: 2 });
    const missing = await conn.call("describe_table", { table: "users' OR '1'='1" });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/no table or view named .*list_tables/);
    const huge = await conn.call("describe_table", { table: "t".repeat(100_000) });
    expect(huge.isError).toBe(true);
    expect(textOf(huge).length).toBeLessThan(400);
    expect(textOf(huge)).toMatch(/no table or view named "t+…"; list_tables shows what exists/);
  });

  it("counts a huge table's rows only up to a million, and says so", async () => {
    const events = dataOf(await conn.call("describe_table", { table: "events" }));
    expect(events).toMatchObject({
      columns: [{ name: "id" }, { name: "kind" }],
      rowCount: "more than 1000000",
      rowCountNote: expect.stringContaining(
        'counting stops at 1000000 rows; execute_query with SELECT count(*) FROM "main"."events" counts them all',
      ),
    });
  });

  it.each(["main.users", '"main"."users"', 'MAIN."USERS"', " main . users "])(
    "takes a name after its database: %s",
    async (table) => {
      expect(dataOf(await conn.call("describe_table", { table }))).toMatchObject({ name: "users", rowCount: 2 });
    },
  );

  it.each([
    [
      "temp.x",
      /^describe_table failed: no temporary table or view named "x": one lasts only for the execute_transaction/,
    ],
    [
      "aux.t",
      /^describe_table failed: no database named "aux" \(in "aux\.t"\): describe_table reads the main database/,
    ],
    ["main.users.id", /nor is it a name describe_table reads: give a table or view name as list_tables shows it/],
  ])("says what it accepts when given %s", async (table, message) => {
    const result = await conn.call("describe_table", { table });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
  });

  it("describes a view without counting its rows", async () => {
    expect(dataOf(await conn.call("describe_table", { table: "authors" }))).toMatchObject({
      type: "view",
      rowCount: null,
      columns: [{ name: "author" }],
    });
  });

  it("marks generated columns as generated, and only a virtual table's hidden columns as hidden", async () => {
    const generated = dataOf<{ columns: unknown[] }>(await conn.call("describe_table", { table: "g" }));
    expect(generated.columns).toEqual([
      { name: "a", type: "INT", notNull: false, default: null, primaryKey: 0 },
      { name: "b", type: "INT", notNull: false, default: null, primaryKey: 0, generated: "virtual" },
      { name: "c", type: "TEXT", notNull: false, default: null, primaryKey: 0, generated: "stored" },
    ]);
    const docs = dataOf<{ columns: { name: string; hidden?: true }[] }>(
      await conn.call("describe_table", { table: "docs" }),
    );
    expect(docs.columns.map(({ name, hidden }) => [name, hidden === true])).toEqual([
      ["body", false],
      ["docs", true],
      ["rank", true],
    ]);
  });
});

describe("describe_table on a rollback-journal file another connection holds an EXCLUSIVE lock on", () => {
  const server = useRollbackLockedServer();

  it("says the table could not be read, that nothing changed, who holds the lock and to retry", async () => {
    const { result } = await server.callLocked("describe_table", { table: "items" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(lockedReply("describe_table", 'table "items" could not be read'));
  });
});

describe("describe_table on a table whose pages are damaged", () => {
  const tmp = tempDir();
  const path = join(tmp.dir, "damaged.db");
  let conn: Connected;
  beforeAll(async () => {
    const db = new Database(path);
    db.exec(`CREATE TABLE logs (id INTEGER PRIMARY KEY, line TEXT);
      WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000)
        INSERT INTO logs (line) SELECT printf('line %d of the log, long enough to fill pages', i) FROM c;`);
    const pageSize = Number(db.pragma("page_size", { simple: true }));
    const pages = Number(db.pragma("page_count", { simple: true }));
    db.close();
    // Garbage over every third page past the schema's: each is one of the table's b-tree pages, read by a count.
    const file = openSync(path, "r+");
    for (let page = 3; page <= pages; page += 3) writeSync(file, Buffer.alloc(64, 0xff), 0, 64, (page - 1) * pageSize);
    closeSync(file);
    conn = await connect({ database: path });
  });
  afterAll(async () => {
    await conn.close();
    tmp.cleanup();
  });

  it("still gives the columns and DDL, with no row count and a note saying why and what to run", async () => {
    const value = dataOf<Record<string, unknown>>(await conn.call("describe_table", { table: "logs" }));
    expect(value).toMatchObject({
      name: "logs",
      columns: [{ name: "id" }, { name: "line" }],
      rowCount: null,
      sql: "CREATE TABLE logs (id INTEGER PRIMARY KEY, line TEXT)",
    });
    expect(value.rowCountNote).toMatch(
      /^its rows could not be counted: database disk image is malformed \[SQLITE_CORRUPT\] — .*PRAGMA integrity_check\(20\)/,
    );
  });

  it("serves the table's resource the same way, without its first rows", async () => {
    const { contents } = await conn.client.readResource({ uri: "sqlite://table/logs" });
    const value = JSON.parse(String((contents[0] as { text: string }).text));
    expect(value).toMatchObject({ name: "logs", rowCount: null, firstRows: null });
    expect(value.note).toMatch(/^no first rows: database disk image is malformed \[SQLITE_CORRUPT\]/);
  });

  it("lists it in explore-database as not counted, not as null rows", async () => {
    const { messages } = await conn.client.getPrompt({ name: "explore-database" });
    const text = String((messages[0]?.content as { text?: string } | undefined)?.text);
    expect(text).toContain("- logs: rows not counted (its pages are damaged; describe_table says more)");
  });
});
