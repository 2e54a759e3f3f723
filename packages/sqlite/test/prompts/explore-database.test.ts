import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { useSeededServer } from "../helpers.js";

const textOfPrompt = (result: { messages: { content: unknown }[] }) =>
  (result.messages[0]?.content as { text?: string } | undefined)?.text ?? "";

describe("explore-database", () => {
  const db = useSeededServer();
  beforeAll(() => {
    const raw = new Database(db.path);
    raw.exec("CREATE VIEW cheap AS SELECT name FROM items WHERE qty < 6");
    raw.close();
  });

  it("is listed, with no arguments, beside the other prompts", async () => {
    const { prompts } = await db.conn.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(["explore-database", "write-query", "analyze-table"]);
    expect(prompts[0]?.arguments ?? []).toEqual([]);
  });

  it("gives the schema, each table's size from live data, and asks for a summary and questions", async () => {
    await db.conn.call("execute_write", { sql: "INSERT INTO items (name) VALUES ('fig')" });
    const text = textOfPrompt(await db.conn.client.getPrompt({ name: "explore-database" }));
    expect(text).toContain("- cheap: view\n- items: 4 rows");
    expect(text).toContain("CREATE TABLE items (id INTEGER PRIMARY KEY");
    expect(text).toMatch(/Summarise what the data is about.*suggest five questions/s);
  });
});

describe("explore-database under a small response cap", () => {
  const db = useSeededServer({ maxResponseBytes: 1500 });

  it("stays within the cap, the schema cut first", async () => {
    for (let i = 0; i < 30; i++) {
      await db.conn.call("execute_write", { sql: `CREATE TABLE padding_${i} (a_rather_long_column_name_${i} TEXT)` });
    }
    const text = textOfPrompt(await db.conn.client.getPrompt({ name: "explore-database" }));
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1500);
    expect(text).toContain("- padding_9: 0 rows");
    expect(text).toMatch(/\[truncated: \d+ more bytes/);
  });
});

describe("explore-database over more tables than it gives sizes for", () => {
  const db = useSeededServer();

  it("sends the model to list_tables, which names every one of them", async () => {
    const raw = new Database(db.path);
    raw.transaction(() => {
      for (let i = 0; i < 150; i++) raw.exec(`CREATE TABLE t${String(i).padStart(3, "0")} (x)`);
    })();
    raw.close();
    const text = textOfPrompt(await db.conn.client.getPrompt({ name: "explore-database" }));
    expect(text).toContain(
      "- … more than 100; list_tables names them (past its own cap, it says how to page through them)",
    );
    const listed = (await db.conn.call("list_tables")).structuredContent as { tables: unknown[]; more?: string[] };
    expect(listed.tables.length + (listed.more?.length ?? 0)).toBe(151);
  });
});
