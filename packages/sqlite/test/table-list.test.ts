import { beforeAll, describe, expect, it } from "vitest";
import { NAMES_SHARE, nameBytes, namesQuery, planTableList, tableListNote } from "../src/table-list.js";
import { textOf, useSeededServer } from "./helpers.js";

const names = (n: number, prefix = "t") =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, "0")}`);
// Each of these names costs 8 bytes in `more`: five characters, two quotes and a comma.
const each = nameBytes("t0000");

describe("planTableList: columns while they fit, then the rest by name", () => {
  it.each([
    ["everything fits in full", names(3), [100, 100, 100], 1000, { detailed: 3, named: 0 }],
    ["nothing at all", [], [], 1000, { detailed: 0, named: 0 }],
    ["exactly the room", names(2), [500, 500], 1000, { detailed: 2, named: 0 }],
    // Cut: the 10 names (80 bytes) are set aside first, so the columns get 920 bytes: 9 entries of 100.
    [
      "a cut keeps room for every other name",
      names(10),
      [100, 100, 100, 100, 100, 100, 100, 100, 100, 100],
      999,
      { detailed: 9, named: 1 },
    ],
    // 1000 names need 8000 bytes, more than a quarter of 10000: the columns get 7500, names what is left.
    [
      "names claim at most a quarter ahead of the columns",
      names(1000),
      Array(80).fill(100),
      10_000,
      { detailed: 75, named: 312 },
    ],
    ["an entry over the whole room is named instead", names(2), [5000], 1000, { detailed: 0, named: 2 }],
    ["a room too small for anything", names(2), [100], 5, { detailed: 0, named: 0 }],
  ] as const)("%s", (_, list, sizes, room, expected) => {
    expect(each).toBe(8);
    expect(planTableList(list, sizes, room)).toEqual(expected);
  });

  it("never plans past the room, whatever the sizes", () => {
    for (const [count, size, room] of [
      [1200, 900, 99_400],
      [20_000, 900, 99_400],
      [50, 30_000, 99_400],
      [5000, 10, 400],
    ] as const) {
      const list = names(count);
      const sizes = Array(count).fill(size);
      const { detailed, named } = planTableList(list, sizes, room);
      const used = detailed * size + list.slice(detailed, detailed + named).reduce((s, n) => s + nameBytes(n), 0);
      expect(used).toBeLessThanOrEqual(room);
      expect(detailed + named).toBeLessThanOrEqual(count);
    }
    expect(NAMES_SHARE).toBe(0.25);
  });
});

describe("tableListNote", () => {
  it("says how many are shown with columns, and that the others are named in more", () => {
    expect(tableListNote({ detailed: 78, named: 1122 }, 1200, 100_000)).toBe(
      "showing 78 of 1200 tables and views with their columns (response cap 100000 bytes); the other 1122 are named in more, in the same order: describe_table shows any one's columns",
    );
  });

  it("gives the query that lists the names that did not fit, from where more stops", () => {
    const note = tableListNote({ detailed: 10, named: 5000 }, 20_000, 100_000);
    expect(note).toMatch(
      /^showing 10 of 20000 tables and views .*, the next 5000 by name in more, and 14990 not named here: execute_query lists them, /,
    );
    expect(note).toContain(namesQuery(5010));
    expect(namesQuery(5010)).toMatch(/ORDER BY name LIMIT 500 OFFSET 5010$/);
  });
});

describe("the shadow tables of a virtual table, left out wherever tables are listed", () => {
  const db = useSeededServer();
  const shadows = ["docs_config", "docs_content", "docs_data", "docs_docsize", "docs_idx"];

  beforeAll(async () => {
    await db.conn.call("execute_write", { sql: "CREATE VIRTUAL TABLE docs USING fts5(title, body)" });
    // A table of the user's whose name only looks like a shadow table's.
    await db.conn.call("execute_write", { sql: "CREATE TABLE docs_data_2024 (id INTEGER PRIMARY KEY)" });
  });

  it("lists the virtual table and the user's tables, not its shadow tables", async () => {
    const listed = JSON.parse(textOf(await db.conn.call("list_tables"))) as { tables: { name: string }[] };
    const names = listed.tables.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["docs", "docs_data_2024", "items"]));
    expect(names).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^docs_(config|content|data|docsize|idx)$/)]),
    );
    const paged = await db.conn.call("execute_query", { sql: namesQuery(0) });
    expect(textOf(paged)).toContain('["docs","table"]');
    for (const shadow of shadows) expect(textOf(paged)).not.toContain(`"${shadow}"`);
  });

  it("leaves them out of resources, completions, the schema and explore-database too", async () => {
    const { resources } = await db.conn.client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toContain("sqlite://table/docs");
    for (const shadow of shadows) expect(uris).not.toContain(`sqlite://table/${shadow}`);
    const completion = await db.conn.client.complete({
      ref: { type: "ref/prompt", name: "analyze-table" },
      argument: { name: "table", value: "docs" },
    });
    expect(completion.completion.values).toEqual(["docs", "docs_data_2024"]);
    const schema = (await db.conn.client.readResource({ uri: "sqlite://schema" })).contents[0];
    const sql = schema && "text" in schema ? schema.text : "";
    expect(sql).toContain("CREATE VIRTUAL TABLE docs USING fts5(title, body)");
    expect(sql).not.toMatch(/docs_(config|content|data|docsize|idx)'/);
    const prompt = await db.conn.client.getPrompt({ name: "explore-database" });
    const explore = (prompt.messages[0]?.content as { text?: string } | undefined)?.text ?? "";
    expect(explore).toContain("- docs:");
    expect(explore).not.toContain("- docs_idx:");
  });

  it("still describes a shadow table asked for by name", async () => {
    const described = await db.conn.call("describe_table", { table: "docs_data" });
    expect(textOf(described)).toContain(`"sql":"CREATE TABLE 'docs_data'(id INTEGER PRIMARY KEY, block BLOB)"`);
  });
});
