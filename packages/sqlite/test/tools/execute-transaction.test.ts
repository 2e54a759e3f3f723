import { describe, expect, it } from "vitest";
import { dataOf, snapshot, textOf, useSeededServer } from "../helpers.js";

describe("execute_transaction", () => {
  const db = useSeededServer();
  const { path } = db;
  const txn = (statements: { sql: string; params?: unknown }[]) => db.conn.call("execute_transaction", { statements });

  it("applies every statement, in order, and returns each result", async () => {
    const data = dataOf<{ results: Record<string, unknown>[] }>(
      await txn([
        { sql: "CREATE TABLE log (id INTEGER PRIMARY KEY, what TEXT)" },
        { sql: "INSERT INTO log (what) VALUES (?)", params: ["created"] },
        { sql: "UPDATE items SET qty = qty * 2 WHERE name = :n", params: { n: "pear" } },
        { sql: "SELECT qty FROM items WHERE name = 'pear'" },
      ]),
    );
    expect(data.results).toEqual([
      { changes: 0, lastInsertRowid: 0 },
      { changes: 1, lastInsertRowid: 1 },
      { changes: 1, lastInsertRowid: 1 },
      expect.objectContaining({ rows: [[10]], changes: 0 }),
    ]);
  });

  it.each([
    [
      [{ sql: "DELETE FROM items" }, { sql: "INSERT INTO nowhere VALUES (1)" }],
      /statement 2 of 2 failed.*rolled back.*no such table: nowhere/,
    ],
    [[{ sql: "DELETE FROM items" }, { sql: "SELECT 1; SELECT 2" }], /statement 2 of 2.*more than one statement/],
    [[{ sql: "DELETE FROM items" }, { sql: "COMMIT" }], /statement 2 of 2.*leave out BEGIN\/COMMIT/],
    [
      [{ sql: "DELETE FROM items" }, { sql: "INSERT INTO items (id, name) VALUES (?, ?)", params: [1] }],
      /Too few parameter/,
    ],
    [[{ sql: "UPDATE items SET name = NULL" }], /NOT NULL constraint failed/],
    [[], /send 1 to 100/],
  ])("rolls everything back when a statement fails (%#)", async (statements, reason) => {
    const expected = snapshot(path);
    const result = await txn(statements);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(reason);
    expect(snapshot(path)).toEqual(expected);
  });
});
