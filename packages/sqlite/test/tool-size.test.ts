import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectListedToolsComplete, expectResultMatchesSchema } from "../../core/test/tool-checks.js";
import { type Connected, connect } from "./helpers.js";

/**
 * The tool-definition budget for this server: JSON bytes of {name, description, inputSchema}, summed. 1900, and 25
 * for the `items: {}` of params' array form (three tools), without which OpenAI, Gemini and VS Code refuse the tool.
 */
const BUDGET = 1925;

describe("tool definitions", () => {
  // Definitions do not depend on where the database lives; an in-memory one needs no executor process.
  const db = new Database(":memory:");
  let conn: Connected;
  beforeAll(async () => {
    conn = await connect({ database: db });
  });
  afterAll(async () => {
    await conn.close();
    db.close();
  });

  it(`stay within ${BUDGET} bytes, each with a title, all four annotations and portable schemas`, async () => {
    const { tools } = await conn.client.listTools();
    const sizes = tools.map(({ name, description, inputSchema }) => ({
      name,
      bytes: Buffer.byteLength(JSON.stringify({ name, description, inputSchema }), "utf8"),
    }));
    const total = sizes.reduce((sum, s) => sum + s.bytes, 0);
    process.stderr.write(
      `sqlite tool definitions: ${total} bytes (${sizes.map((s) => `${s.name} ${s.bytes}`).join(", ")})\n`,
    );
    expect(total).toBeLessThanOrEqual(BUDGET);
    expectListedToolsComplete(tools);
  });

  it("answer every call, success, cut or refusal, with what their output schema says", async () => {
    const { tools } = await conn.client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    const insert = "INSERT INTO walk (name, data) VALUES ('a', x'00ff'), ('b', NULL), ('c', 'text') RETURNING *";
    const calls: [string, Record<string, unknown>, "ok" | "error"][] = [
      ["execute_write", { sql: "CREATE TABLE walk (id INTEGER PRIMARY KEY, name TEXT NOT NULL, data BLOB)" }, "ok"],
      ["execute_write", { sql: insert }, "ok"],
      ["execute_write", { sql: "INSERT INTO nope VALUES (1)" }, "error"],
      ["execute_query", { sql: "SELECT *, 9223372036854775807 AS big FROM walk ORDER BY id" }, "ok"],
      ["execute_query", { sql: "SELECT * FROM nope" }, "error"],
      ["execute_query", { sql: "DELETE FROM walk" }, "error"],
      ["list_tables", {}, "ok"],
      ["describe_table", { table: "walk" }, "ok"],
      ["describe_table", { table: "nope" }, "error"],
      [
        "execute_transaction",
        { statements: [{ sql: "UPDATE walk SET name = name RETURNING id" }, { sql: insert }] },
        "ok",
      ],
      ["execute_transaction", { statements: [{ sql: "INSERT INTO nope VALUES (1)" }] }, "error"],
    ];
    // A second server on the same database cuts at two rows: the truncated forms of the same replies.
    const capped = await connect({ database: db, maxRows: 2 });
    try {
      for (const [name, args, outcome] of calls) {
        const tool = byName.get(name);
        if (!tool) throw new Error(`no tool ${name}`);
        expectResultMatchesSchema(tool, await conn.call(name, args), outcome);
        if (name === "execute_write" && outcome === "ok") continue;
        expectResultMatchesSchema(tool, await capped.call(name, args), outcome);
      }
    } finally {
      await capped.close();
    }
  });
});
