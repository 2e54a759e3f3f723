import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type Connected,
  connect,
  expectCancelStopsTheView,
  slowViewDatabase,
  tempDir,
  untilAnswering,
  useSeededServer,
} from "../helpers.js";

describe("analyze-table", () => {
  const db = useSeededServer();

  it("gives the table's resource content and what to check", async () => {
    const result = await db.conn.client.getPrompt({ name: "analyze-table", arguments: { table: "ITEMS" } });
    const text = (result.messages[0]?.content as { text?: string } | undefined)?.text ?? "";
    const json = text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1);
    expect(JSON.parse(json)).toMatchObject({ name: "items", rowCount: 3, firstRows: { rowCount: 3 } });
    expect(text).toMatch(/Describe what each column holds.*execute_query/s);
  });

  it.each([
    [{ table: "nowhere" }, /analyze-table: no table or view named "nowhere"; list_tables shows what exists/],
    [{ table: "" }, /give a table or view name; list_tables shows them/],
    [{}, /table/],
  ])("refuses %j with a clear error", async (args, message) => {
    await expect(db.conn.client.getPrompt({ name: "analyze-table", arguments: args })).rejects.toThrow(message);
  });

  it("completes the table argument by prefix", async () => {
    await db.conn.call("execute_write", { sql: "CREATE TABLE Inventory (x)" });
    const complete = (value: string) =>
      db.conn.client.complete({
        ref: { type: "ref/prompt", name: "analyze-table" },
        argument: { name: "table", value },
      });
    expect((await complete("i")).completion.values).toEqual(["Inventory", "items"]);
    expect((await complete("INV")).completion.values).toEqual(["Inventory"]);
  });

  it("counts every match past the 100 names a completion shows", async () => {
    const statements = Array.from({ length: 150 }, (_, i) => ({
      sql: `CREATE TABLE t${String(i).padStart(3, "0")} (x)`,
    }));
    await db.conn.call("execute_transaction", { statements: statements.slice(0, 100) });
    await db.conn.call("execute_transaction", { statements: statements.slice(100) });
    const { completion } = await db.conn.client.complete({
      ref: { type: "ref/prompt", name: "analyze-table" },
      argument: { name: "table", value: "t" },
    });
    expect(completion.values).toHaveLength(100);
    expect(completion.values[0]).toBe("t000");
    expect([completion.total, completion.hasMore]).toEqual([150, true]);
  });
});

describe("analyze-table of a view too slow to read", () => {
  const temp = tempDir();
  let conn: Connected | undefined;
  afterAll(async () => {
    await conn?.close();
    temp.cleanup();
  });

  it("stops reading the view when its client cancels the prompt, and keeps answering", async () => {
    await expectCancelStopsTheView(temp.dir, "modern", (conn, signal) =>
      conn.client.getPrompt({ name: "analyze-table", arguments: { table: "endless" } }, { signal }),
    );
  });

  it("fails as an internal error naming the time limit, not as invalid params", async () => {
    const file = join(temp.dir, "slow.db");
    slowViewDatabase(file);
    conn = await connect({ database: file, timeoutMs: 300 });
    await untilAnswering(conn);
    const failure = await conn.client.getPrompt({ name: "analyze-table", arguments: { table: "endless" } }).then(
      () => undefined,
      (error: unknown) => error as { code?: number; message: string },
    );
    expect(failure?.code).toBe(-32603);
    expect(failure?.message).toMatch(/analyze-table: .*stopped after 300 ms, the time limit set by timeoutMs/);
  });
});
