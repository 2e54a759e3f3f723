import { join } from "node:path";
import { UriTemplate } from "@modelcontextprotocol/server";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClient, type TestClient } from "../../../core/test/clients.js";
import { readTablePosition } from "../../src/resources/table.js";
import { createSqliteServerFactory } from "../../src/server.js";
import {
  type Connected,
  connect,
  executorEntry,
  expectCancelStopsTheView,
  seedDatabase,
  slowViewDatabase,
  tempDir,
  untilAnswering,
  useSeededServer,
} from "../helpers.js";

const TEMPLATE = "sqlite://table/{name}";

async function readJson(client: TestClient, uri: string) {
  const { contents } = await client.readResource({ uri });
  const text = (contents[0] as { text: string }).text;
  return { text, value: JSON.parse(text) as Record<string, unknown> };
}

describe("sqlite://table/{name}", () => {
  const db = useSeededServer();
  beforeAll(() => {
    const raw = new Database(db.path);
    raw.exec(`CREATE VIEW cheap AS SELECT name FROM items WHERE qty < 6;
      CREATE TABLE "odd name/é?" (x); INSERT INTO "odd name/é?" VALUES (1);
      CREATE TABLE many (n INTEGER); CREATE INDEX many_n ON many (n);
      WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 50) INSERT INTO many SELECT n FROM c;`);
    raw.close();
  });

  it("lists every table and view, with its URI, beside the fixed resources", async () => {
    const { resources } = await db.conn.client.listResources();
    expect(resources.map((r) => r.uri)).toEqual([
      "sqlite://schema",
      "sqlite://stats",
      "sqlite://table/cheap",
      "sqlite://table/items",
      "sqlite://table/many",
      "sqlite://table/odd%20name%2F%C3%A9%3F",
    ]);
    expect(resources.find((r) => r.name === "cheap")).toMatchObject({
      title: "View cheap",
      mimeType: "application/json",
    });
  });

  it("reads a table: CREATE statement, columns, indexes, row count and its rows as a query returns them", async () => {
    const { value } = await readJson(db.conn.client, "sqlite://table/items");
    expect(value).toMatchObject({
      name: "items",
      type: "table",
      sql: expect.stringMatching(/^CREATE TABLE items/),
      columns: expect.arrayContaining([expect.objectContaining({ name: "name", type: "TEXT", notNull: true })]),
      rowCount: 3,
      firstRows: {
        columns: ["id", "name", "qty", "data"],
        rows: [
          [1, "apple", 3, { $base64: "AP8=" }],
          [2, "pear", 5, null],
          [3, "plum", 7, null],
        ],
        rowCount: 3,
      },
    });
  });

  it("shows the first 20 rows, the indexes, and the whole count", async () => {
    const { value } = await readJson(db.conn.client, "sqlite://table/many");
    expect(value).toMatchObject({
      rowCount: 50,
      indexes: [expect.objectContaining({ name: "many_n", columns: ["n"] })],
    });
    expect((value.firstRows as { rows: unknown[][] }).rows).toEqual(Array.from({ length: 20 }, (_, i) => [i + 1]));
  });

  it("reads a view (no row count: counting runs its query) and a name that needs encoding", async () => {
    expect((await readJson(db.conn.client, "sqlite://table/cheap")).value).toMatchObject({
      type: "view",
      rowCount: null,
      firstRows: { rows: [["apple"], ["pear"]] },
    });
    const odd = await readJson(db.conn.client, "sqlite://table/odd%20name%2F%C3%A9%3F");
    expect(odd.value).toMatchObject({ name: "odd name/é?", rowCount: 1 });
  });

  it.each([
    ["sqlite://table/nowhere", /no table or view named "nowhere"; list_tables shows what exists/],
    ["sqlite://table/%E0%A4%A", /not valid percent-encoding; list_tables shows the names/],
    ["sqlite://table/sqlite_schema", /no table or view named "sqlite_schema"|list_tables/],
  ])("refuses %s with a message naming list_tables", async (uri, message) => {
    await expect(db.conn.client.readResource({ uri })).rejects.toThrow(message);
  });

  it("answers an unknown table as resource not found: invalid params whose data is its URI", async () => {
    const uri = "sqlite://table/nowhere";
    await expect(db.conn.client.readResource({ uri })).rejects.toMatchObject({ code: -32602, data: { uri } });
    // A name that is no name at all is a malformed URI, not a missing table.
    const bad = db.conn.client.readResource({ uri: "sqlite://table/%E0%A4%A" });
    await expect(bad).rejects.not.toHaveProperty("data.uri");
  });

  it.each([
    ["sqlite://table/foo.bar", "foo.bar"],
    ["sqlite://table/no%20such%20table", "no such table"],
    ["sqlite://table/temp.gone", "temp.gone"],
    ["sqlite://table/main.nowhere", "main.nowhere"],
  ])("answers %s, a name that is no table, as not found, naming it as the URI does", async (uri, name) => {
    const read = db.conn.client.readResource({ uri });
    await expect(read).rejects.toMatchObject({ code: -32602, data: { uri } });
    await expect(db.conn.client.readResource({ uri })).rejects.toThrow(
      `${uri}: no table or view named ${JSON.stringify(name)}; list_tables shows what exists`,
    );
  });

  it("completes table names by prefix, in any case", async () => {
    const complete = (value: string) =>
      db.conn.client.complete({ ref: { type: "ref/resource", uri: TEMPLATE }, argument: { name: "name", value } });
    expect((await complete("IT")).completion.values).toEqual(["items"]);
    expect((await complete("")).completion.values).toEqual(["cheap", "items", "many", "odd name/é?"]);
    expect((await complete("zzz")).completion.values).toEqual([]);
  });
});

describe("table resources under a small response cap", () => {
  const db = useSeededServer({ maxResponseBytes: 1500 });

  it("cuts the first rows to fit, saying so, and the whole text stays within the cap", async () => {
    await db.conn.call("execute_write", {
      sql: "INSERT INTO items (name) SELECT printf('%.200c', 'x') FROM (SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7)",
    });
    const { text, value } = await readJson(db.conn.client, "sqlite://table/items");
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1500);
    expect(value.firstRows).toMatchObject({ truncated: true, note: expect.stringMatching(/response cap/) });
  });

  it("cuts a description past the cap to fewer columns, still JSON, saying how to read the rest", async () => {
    const columns = Array.from({ length: 300 }, (_, i) => `column_number_${i} TEXT`).join(", ");
    await db.conn.call("execute_write", { sql: `CREATE TABLE wide (${columns})` });
    const { text, value } = await readJson(db.conn.client, "sqlite://table/wide");
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1500);
    expect(value).toMatchObject({ name: "wide", type: "table", rowCount: 0, truncated: true, firstRows: null });
    const shown = (value.columns as unknown[]).length;
    expect(shown).toBeGreaterThan(0);
    expect(value.note).toContain(`showing ${shown} of 300 columns`);
    expect(value.note).toContain("SELECT * FROM pragma_table_xinfo('wide') LIMIT 100 OFFSET 0");
  });
});

describe("many tables", () => {
  const tmp = tempDir();
  let conn: Connected;
  beforeAll(async () => {
    const path = join(tmp.dir, "data.db");
    seedDatabase(path);
    const raw = new Database(path);
    for (let i = 0; i < 150; i++) raw.exec(`CREATE TABLE t${String(i).padStart(3, "0")} (x)`);
    raw.close();
    // The v1 client asks for one page at a time (v2's listResources() walks them all).
    conn = await connect({ database: path }, "v1@2025-11-25");
  });
  afterAll(async () => {
    await conn.close();
    tmp.cleanup();
  });

  it("are listed in pages of 100", async () => {
    const first = await conn.client.listResources();
    expect(first.resources).toHaveLength(100);
    const second = await conn.client.listResources({ cursor: first.nextCursor as string });
    expect(second.resources).toHaveLength(2 + 1 + 150 - 100);
    expect(second.nextCursor).toBeUndefined();
  });

  it("lists each table there throughout once, whatever is created between pages", async () => {
    const first = await conn.client.listResources();
    const last = first.resources.at(-1)?.name as string;
    const raw = new Database(join(tmp.dir, "data.db"));
    // Before the cursor: one made (an offset would then list its last table again); after it: one made.
    raw.exec("CREATE TABLE a_new (x); CREATE TABLE t149b (x)");
    const second = await conn.client.listResources({ cursor: first.nextCursor as string });
    raw.exec("DROP TABLE a_new; DROP TABLE t149b");
    raw.close();
    const names = [...first.resources, ...second.resources].map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    expect((second.resources[0]?.name ?? "") > last).toBe(true);
    expect(names).toEqual(expect.arrayContaining(["t099", "t100", "t149", "t149b"]));
    expect(names.filter((n) => /^t\d{3}$/.test(n))).toHaveLength(150);
  });

  it("refuses a cursor it did not give, saying to start over", async () => {
    const first = await conn.client.listResources();
    const made = Buffer.from(`o:${100}`).toString("base64url");
    await expect(conn.client.listResources({ cursor: made })).rejects.toThrow(/Invalid cursor/);
    expect(() => readTablePosition(JSON.stringify(["t050", 5000]))).toThrow(/not a place in the table list/);
    expect(readTablePosition(JSON.parse(JSON.stringify(JSON.stringify(["t050", 51]))))).toEqual({
      name: "t050",
      listed: 51,
    });
    expect(first.nextCursor).toBeDefined();
  });

  it("complete to at most 100 names", async () => {
    const { completion } = await conn.client.complete({
      ref: { type: "ref/resource", uri: TEMPLATE },
      argument: { name: "name", value: "T" },
    });
    expect(completion.values).toHaveLength(100);
    expect(completion.values[0]).toBe("t000");
  });
});

describe("resources/list_changed after DDL, to a 2025-era client", () => {
  const tmp = tempDir();
  const path = join(tmp.dir, "data.db");
  let factory: ReturnType<typeof createSqliteServerFactory>;
  let writer: TestClient;
  let listener: TestClient;
  const told = { writer: 0, listener: 0 };
  beforeAll(async () => {
    seedDatabase(path);
    factory = createSqliteServerFactory({ database: path, executorEntry: await executorEntry() });
    writer = await connectClient(factory, "v1@2025-11-25", undefined, { onResourceListChanged: () => told.writer++ });
    listener = await connectClient(factory, "v1@2025-06-18", undefined, {
      onResourceListChanged: () => told.listener++,
    });
  });
  afterAll(async () => {
    await writer.close();
    await listener.close();
    await factory.close();
    tmp.cleanup();
  });
  const write = (sql: string) => writer.callTool({ name: "execute_write", arguments: { sql } });

  it("declares resources with listChanged", () => {
    expect(listener.getServerCapabilities()?.resources).toMatchObject({ listChanged: true });
  });

  it("tells every connection when a table is created or dropped, not on other writes; the list then shows it", async () => {
    await write("INSERT INTO items (name) VALUES ('fig')");
    expect(told).toEqual({ writer: 0, listener: 0 });
    await write("CREATE TABLE notes (body TEXT)");
    // The notification goes out before the call's result.
    expect(told).toEqual({ writer: 1, listener: 1 });
    const { resources } = await listener.listResources();
    expect(resources.map((r) => r.uri)).toContain("sqlite://table/notes");
    await write("CREATE INDEX notes_body ON notes (body)"); // the schema changed, the list did not
    await writer.callTool({
      name: "execute_transaction",
      arguments: { statements: [{ sql: "CREATE TABLE never (x)" }, { sql: "INSERT INTO nowhere VALUES (1)" }] },
    }); // rolled back
    expect(told).toEqual({ writer: 1, listener: 1 });
    await writer.callTool({ name: "execute_transaction", arguments: { statements: [{ sql: "DROP TABLE notes" }] } });
    expect(told).toEqual({ writer: 2, listener: 2 });
    expect((await listener.listResources()).resources.map((r) => r.uri)).not.toContain("sqlite://table/notes");
  });
});

describe("a read-only server", () => {
  const db = useSeededServer({ readOnly: true });

  it("still lists and reads the tables, and declares that the list changes (another connection may change it)", async () => {
    expect(db.conn.client.getServerCapabilities()?.resources).toMatchObject({ listChanged: true });
    expect((await readJson(db.conn.client, "sqlite://table/items")).value).toMatchObject({ rowCount: 3 });
  });
});

describe("sqlite://table/{name} of tables named with blanks", () => {
  const temp = tempDir();
  let conn: Connected | undefined;
  afterAll(async () => {
    await conn?.close();
    temp.cleanup();
  });

  it('reads a table named " ", and neither lists nor completes for the template those named "", "." or "..", which no URI reaches', async () => {
    const file = join(temp.dir, "blank.db");
    const raw = new Database(file);
    raw.exec(`CREATE TABLE "" (x); CREATE TABLE " " (y); INSERT INTO " " VALUES (1);
      CREATE TABLE "." (z); CREATE TABLE ".." (z); CREATE TABLE "..." (z);`);
    raw.close();
    conn = await connect({ database: file });
    const { resources } = await conn.client.listResources();
    expect(resources.map((r) => r.uri)).toEqual([
      "sqlite://schema",
      "sqlite://stats",
      "sqlite://table/%20",
      "sqlite://table/...",
    ]);
    expect((await readJson(conn.client, "sqlite://table/%20")).value).toMatchObject({ name: " ", rowCount: 1 });
    expect((await readJson(conn.client, "sqlite://table/...")).value).toMatchObject({ name: "..." });
    // Every listed resource reads; every completed name fills the template to a URI that reads it.
    for (const { uri } of resources) await expect(conn.client.readResource({ uri })).resolves.toBeDefined();
    const template = new UriTemplate(TEMPLATE);
    const completed = await conn.client.complete({
      ref: { type: "ref/resource", uri: TEMPLATE },
      argument: { name: "name", value: "" },
    });
    expect(completed.completion.values).toEqual([" ", "..."]);
    for (const name of completed.completion.values) {
      expect((await readJson(conn.client, template.expand({ name }))).value).toMatchObject({ name });
    }
    // The prompt takes any name as text, so it is offered them all; the tools reach them too.
    const forPrompt = await conn.client.complete({
      ref: { type: "ref/prompt", name: "analyze-table" },
      argument: { name: "table", value: "." },
    });
    expect(forPrompt.completion.values).toEqual([".", "..", "..."]);
    expect((await conn.call("describe_table", { table: "" })).isError).toBeFalsy();
    expect((await conn.call("describe_table", { table: ".." })).isError).toBeFalsy();
  });
});

describe("sqlite://table/{name} of a view too slow to read", () => {
  const temp = tempDir();
  let conn: Connected | undefined;
  afterAll(async () => {
    await conn?.close();
    temp.cleanup();
  });

  it("stops reading the view when its client cancels the read, and keeps answering", async () => {
    await expectCancelStopsTheView(temp.dir, "v1@2025-11-25", (conn, signal) =>
      conn.client.readResource({ uri: "sqlite://table/endless" }, { signal }),
    );
  });

  it("fails as an internal error saying how to read part of it, not as invalid params", async () => {
    const file = join(temp.dir, "slow.db");
    slowViewDatabase(file);
    conn = await connect({ database: file, timeoutMs: 300 });
    await untilAnswering(conn);
    const failure = await conn.client.readResource({ uri: "sqlite://table/endless" }).then(
      () => undefined,
      (error: unknown) => error as { code?: number; message: string },
    );
    expect(failure?.code).toBe(-32603);
    expect(failure?.message).toMatch(/stopped after 300 ms, the time limit set by timeoutMs/);
    expect(failure?.message).toMatch(/use execute_query with a WHERE or LIMIT \(SELECT \* FROM "endless" LIMIT 20\)/);
  });
});
