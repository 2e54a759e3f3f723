import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { moduleNote, virtualModule } from "../src/virtual-table.js";
import { addUnloadableTable, type Connected, connect, dataOf, tempDir } from "./helpers.js";

describe("virtualModule", () => {
  it.each([
    ["CREATE VIRTUAL TABLE docs USING fts5(title, body)", "fts5"],
    ["CREATE VIRTUAL TABLE docs USING FTS4 (body)", "FTS4"],
    ["CREATE VIRTUAL TABLE boxes USING rtree(id, minX, maxX)", "rtree"],
    ["CREATE VIRTUAL TABLE spell USING spellfix1", "spellfix1"],
    ['CREATE VIRTUAL TABLE "x USING y" USING vec0(v float[4])', "vec0"],
    ["CREATE VIRTUAL TABLE [a b] USING fts5(body)", "fts5"],
    ["CREATE VIRTUAL TABLE `a``b` USING fts3(body)", "fts3"],
    ['CREATE VIRTUAL TABLE t USING "my mod"(a)', "my mod"],
    ["create virtual table if not exists main.t using geopoly(label)", "geopoly"],
    ["CREATE TABLE t (a USING b)", undefined],
    ["CREATE VIEW v AS SELECT 1", undefined],
    [null, undefined],
  ])("%s → %s", (sql, module) => {
    expect(virtualModule(sql)).toBe(module);
  });

  it("says how to search a full-text table, quoting a name that needs it, and nothing for an unknown module", () => {
    expect(moduleNote("fts5", "docs")).toMatch(/WHERE docs MATCH 'words'.*ORDER BY rank/);
    expect(moduleNote("FTS4", "my notes")).toMatch(/^full-text index \(FTS4\): search it with WHERE "my notes" MATCH/);
    expect(moduleNote("vec0", "v")).toBeUndefined();
  });
});

describe("virtual tables as the model sees them", () => {
  const tmp = tempDir();
  const path = join(tmp.dir, "app.db");
  let conn: Connected;
  beforeAll(async () => {
    const db = new Database(path);
    db.exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
      CREATE VIRTUAL TABLE notes_fts USING fts5(body);
      CREATE VIRTUAL TABLE boxes USING rtree(id, minX, maxX);
      INSERT INTO notes_fts (body) VALUES ('hello world');`);
    addUnloadableTable(
      db,
      "embeddings",
      "CREATE VIRTUAL TABLE embeddings USING vec0(id integer primary key, v float[4])",
    );
    db.close();
    conn = await connect({ database: path });
  });
  afterAll(async () => {
    await conn.close();
    tmp.cleanup();
  });

  it("list_tables names each one's module, and lists a table whose module is missing with why", async () => {
    const { tables } = dataOf<{ tables: Record<string, unknown>[] }>(await conn.call("list_tables"));
    expect(tables).toEqual([
      { name: "boxes", type: "table", module: "rtree", columns: expect.any(Array) },
      {
        name: "embeddings",
        type: "table",
        module: "vec0",
        columns: [],
        error: expect.stringMatching(/^no such module: vec0 — .*this server's SQLite does not have/),
      },
      { name: "notes", type: "table", columns: expect.any(Array) },
      { name: "notes_fts", type: "table", module: "fts5", columns: [{ name: "body", type: "" }] },
    ]);
  });

  it("describe_table tells an FTS5 table is searched with MATCH", async () => {
    const fts = dataOf(await conn.call("describe_table", { table: "notes_fts" }));
    expect(fts).toMatchObject({
      module: "fts5",
      moduleNote: expect.stringContaining("WHERE notes_fts MATCH"),
      rowCount: 1,
    });
    expect(dataOf(await conn.call("describe_table", { table: "notes" }))).not.toHaveProperty("module");
  });

  it("describes a table whose module is missing from its CREATE statement, where it failed 'no such module'", async () => {
    expect(dataOf(await conn.call("describe_table", { table: "embeddings" }))).toEqual({
      name: "embeddings",
      type: "table",
      module: "vec0",
      moduleNote: expect.stringMatching(/^no such module: vec0 — .*its CREATE statement \(sql\) is all/),
      columns: [],
      indexes: [],
      foreignKeys: [],
      triggers: [],
      rowCount: null,
      sql: "CREATE VIRTUAL TABLE embeddings USING vec0(id integer primary key, v float[4])",
    });
  });

  it("reads its resource and prompts, and sizes every other table in explore-database", async () => {
    const resource = await conn.client.readResource({ uri: "sqlite://table/embeddings" });
    const text = (resource.contents[0] as { text: string }).text;
    expect(JSON.parse(text)).toMatchObject({ module: "vec0", rowCount: null, firstRows: null });
    const analyze = await conn.client.getPrompt({ name: "analyze-table", arguments: { table: "embeddings" } });
    expect(JSON.stringify(analyze.messages)).toContain("no such module: vec0");
    const explore = await conn.client.getPrompt({ name: "explore-database" });
    const sizes = JSON.stringify(explore.messages[0]?.content);
    expect(sizes).toContain(
      "- embeddings: rows not counted (a virtual table of module vec0, which this server's SQLite lacks",
    );
    expect(sizes).toContain("- notes_fts: 1 rows");
  });
});

describe("a table whose reading fails on its definition", () => {
  // An external-content FTS5 table whose content table lacks the column it names: every read of it fails with
  // "no such column: T.body", and describe_table and explore-database failed as a whole.
  const tmp = tempDir();
  const path = join(tmp.dir, "broken.db");
  let conn: Connected;
  beforeAll(async () => {
    const db = new Database(path);
    db.exec(`CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT);
      CREATE VIRTUAL TABLE posts_fts USING fts5(body, content='posts', content_rowid='id');
      CREATE TABLE tags (name TEXT); INSERT INTO tags VALUES ('a'), ('b');`);
    db.close();
    conn = await connect({ database: path });
  });
  afterAll(async () => {
    await conn.close();
    tmp.cleanup();
  });

  it("is described without a count, saying why, and explore-database sizes the other tables", async () => {
    const described = dataOf<Record<string, unknown>>(await conn.call("describe_table", { table: "posts_fts" }));
    expect(described).toMatchObject({
      module: "fts5",
      rowCount: null,
      rowCountNote: "its rows could not be counted: no such column: T.body [SQLITE_ERROR]",
    });
    expect(described).not.toHaveProperty("failed");
    const explore = await conn.client.getPrompt({ name: "explore-database" });
    const sizes = JSON.stringify(explore.messages[0]?.content);
    expect(sizes).toContain(
      "- posts_fts: rows not counted (reading it fails: no such column: T.body [SQLITE_ERROR]; describe_table says more)",
    );
    expect(sizes).toContain("- tags: 2 rows");
  });
});
