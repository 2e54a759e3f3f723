import { describe, expect, it } from "vitest";
import { useSeededServer } from "../helpers.js";

describe("sqlite://schema and sqlite://stats", () => {
  const db = useSeededServer();

  it("lists both in resources/list", async () => {
    const { resources } = await db.conn.client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(expect.arrayContaining(["sqlite://schema", "sqlite://stats"]));
  });

  it("reads every CREATE statement", async () => {
    const { contents } = await db.conn.client.readResource({ uri: "sqlite://schema" });
    expect(contents[0]).toMatchObject({ uri: "sqlite://schema", mimeType: "application/sql" });
    expect((contents[0] as { text: string }).text).toMatch(/^CREATE TABLE items \(id INTEGER PRIMARY KEY/);
  });

  it("stats count the calls made just before reading", async () => {
    const read = async () => {
      const { contents } = await db.conn.client.readResource({ uri: "sqlite://stats" });
      return JSON.parse((contents[0] as { text: string }).text) as {
        tools: Record<string, { calls: number; errors: number }>;
      };
    };
    const before = (await read()).tools.describe_table ?? { calls: 0, errors: 0 };
    await db.conn.call("describe_table", { table: "items" });
    await db.conn.call("describe_table", { table: "nowhere" });
    expect((await read()).tools.describe_table).toMatchObject({ calls: before.calls + 2, errors: before.errors + 1 });
  });
});

describe("sqlite://schema under a small response cap", () => {
  const db = useSeededServer({ maxResponseBytes: 1000 });

  it("is cut to the cap with a notice", async () => {
    for (let i = 0; i < 20; i++) {
      await db.conn.call("execute_write", { sql: `CREATE TABLE padding_${i} (a_rather_long_column_name_${i} TEXT)` });
    }
    const { contents } = await db.conn.client.readResource({ uri: "sqlite://schema" });
    const text = (contents[0] as { text: string }).text;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1000);
    expect(text).toMatch(
      /\[truncated: \d+ more bytes; list_tables names the tables and views \(past its own cap, it says how to page through them\); describe_table gives any one's CREATE statement\]$/,
    );
  });
});
