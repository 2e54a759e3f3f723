import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { type Connected, connect, textOf, untilRunning, useSeededServer } from "./helpers.js";

// A call refused by a limit is counted in sqlite://stats (and so in /metrics and OTLP) by that limit: `size` for an
// input or reply over its cap, `timeout` for a statement stopped at the time limit, `sql_policy` for the policy,
// inside a transaction too.

const ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

async function refusals(conn: Connected): Promise<Record<string, number>> {
  const read = await conn.client.readResource({ uri: "sqlite://stats" });
  return JSON.parse((read.contents[0] as { text: string }).text).refusals;
}

describe("refusals by cause in sqlite://stats", () => {
  const db = useSeededServer({ maxResponseBytes: 1000 }, 500);

  it("counts size, timeout and policy refusals, and not a failed statement", async () => {
    const tooMany = Array.from({ length: 101 }, () => ({ sql: "INSERT INTO items (name) VALUES ('x')" }));
    const oversized = await db.conn.call("execute_transaction", { statements: tooMany });
    expect(textOf(oversized)).toMatch(/statements holds 101 statements; send 1 to 100/);
    const wide = await db.conn.call("execute_query", { sql: `SELECT 1 AS "${"a".repeat(2000)}"` });
    expect(textOf(wide)).toMatch(
      /column names alone take \d+ bytes, more than the 400 bytes of rows a reply can hold under the 1000-byte response cap \(set by maxResponseBytes\)/,
    );
    const slow = await db.conn.call("execute_query", { sql: ENDLESS });
    expect(textOf(slow)).toMatch(/stopped after 500 ms, the time limit/);
    await untilRunning(db.executor); // the stopped statement's process was replaced
    const slowTxn = await db.conn.call("execute_transaction", {
      statements: [{ sql: "DELETE FROM items" }, { sql: ENDLESS }],
    });
    expect(slowTxn.isError).toBe(true);
    await untilRunning(db.executor);
    const policy = await db.conn.call("execute_transaction", {
      statements: [{ sql: "DELETE FROM items" }, { sql: "COMMIT" }],
    });
    expect(textOf(policy)).toMatch(/statement 2 of 2 failed.*refused, nothing ran/);
    const failed = await db.conn.call("execute_query", { sql: "SELECT * FROM nowhere" });
    expect(failed.isError).toBe(true);

    expect(await refusals(db.conn)).toEqual({ size: 2, sql_policy: 1, timeout: 2 });
  });
});

describe("refusals by cause with an open Database (no executor process)", () => {
  it("counts a query stopped at the time limit between rows as a timeout", async () => {
    const database = new Database(":memory:");
    const conn = await connect({ database, timeoutMs: 1 });
    try {
      // Every row costs a count over 20,000 generated rows, so the limit has passed when it is checked between rows.
      const result = await conn.call("execute_query", {
        sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) SELECT x, (WITH RECURSIVE d(y) AS (SELECT 1 UNION ALL SELECT y + 1 FROM d WHERE y < 20000) SELECT count(*) FROM d) FROM c",
      });
      expect(textOf(result)).toMatch(/stopped after 1 ms, the time limit/);
      expect(await refusals(conn)).toEqual({ timeout: 1 });
    } finally {
      await conn.close();
      database.close();
    }
  });
});
