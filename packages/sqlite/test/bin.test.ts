import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { PROTOCOL_MATRIX, STARTS, TRANSPORTS, useServers } from "../../core/test/built-server.js";
import { expectedVersion } from "../../core/test/clients.js";
import { dataOf, seedDatabase, snapshot, tempDir, textOf } from "./helpers.js";

// The product as shipped: dist/cli.cjs (what Claude Desktop runs) and dist/snapshot.blob (how the agent starts it),
// in every mode, with every tool once. Settings, shutdown and the executor's lifetime are in cli.test.ts.

const DIST = fileURLToPath(new URL("../dist", import.meta.url));
const READING = ["describe_table", "execute_query", "list_tables"];

const start = useServers(DIST);
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A path for a database in a fresh folder. */
function dbPath(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return join(dir, "data.db");
}

/** What the file holds, read by the test's own connection. */
function rowsIn(path: string, sql: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).raw().all();
  } finally {
    db.close();
  }
}

describe.each(STARTS)("mcp-sqlite as shipped, started from its %s", (how) => {
  it.each(TRANSPORTS)("over %s runs every tool once, each with its effect on the file", async (transport) => {
    const path = dbPath();
    const server = await start(how, transport, ["--db", path]);
    const call = async (name: string, args: Record<string, unknown> = {}) =>
      dataOf<Record<string, unknown>>(await server.call(name, args));
    expect((await server.toolNames()).sort()).toEqual([...READING, "execute_transaction", "execute_write"].sort());

    await call("execute_write", { sql: "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT NOT NULL)" });
    expect(
      await call("execute_write", { sql: "INSERT INTO books (title) VALUES (?)", params: ["Dune"] }),
    ).toMatchObject({ changes: 1, lastInsertRowid: 1 });
    expect(rowsIn(path, "SELECT id, title FROM books")).toEqual([[1, "Dune"]]);
    await call("execute_transaction", {
      statements: [
        { sql: "INSERT INTO books (title) VALUES (:t)", params: { t: "Emma" } },
        { sql: "UPDATE books SET title = upper(title) WHERE id = 1" },
      ],
    });
    expect(rowsIn(path, "SELECT id, title FROM books ORDER BY id")).toEqual([
      [1, "DUNE"],
      [2, "Emma"],
    ]);

    expect(await call("execute_query", { sql: "SELECT title FROM books ORDER BY id" })).toMatchObject({
      columns: ["title"],
      rows: [["DUNE"], ["Emma"]],
    });
    expect((await call("list_tables")).tables).toEqual([
      expect.objectContaining({ name: "books", type: "table", columns: expect.any(Array) }),
    ]);
    expect(await call("describe_table", { table: "books" })).toMatchObject({
      name: "books",
      rowCount: 2,
      columns: [expect.objectContaining({ name: "id", primaryKey: 1 }), expect.objectContaining({ name: "title" })],
    });
  });

  it("with --read-only lists only the three reading tools, and the file stays as it was", async () => {
    const path = dbPath();
    seedDatabase(path);
    const before = snapshot(path);
    const server = await start(how, "stdio", ["--db", path, "--read-only"]);
    expect((await server.toolNames()).sort()).toEqual(READING);
    expect(dataOf(await server.call("execute_query", { sql: "SELECT count(*) AS n FROM items" }))).toMatchObject({
      rows: [[3]],
    });
    const refused = await server.call("execute_query", { sql: "DELETE FROM items" });
    expect(refused.isError, textOf(refused)).toBe(true);
    await expect(server.call("execute_write", { sql: "DELETE FROM items" })).rejects.toThrow(/execute_write not found/);
    expect(snapshot(path)).toEqual(before);
  });

  it("over http refuses a request without its bearer token", async () => {
    const server = await start(how, "http", ["--db", dbPath()]);
    const response = await fetch(server.url as URL, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(response.status).toBe(401);
  });
});

describe("mcp-sqlite as shipped, in its operator's terms", () => {
  it("a refusal names the bin's flag and variable, not a library option", async () => {
    // The default time limit, so that starting the executor on a loaded machine cannot turn this refusal into a timeout.
    const server = await start("bin", "stdio", ["--db", dbPath()]);
    const attach = await server.call("execute_query", { sql: "ATTACH 'elsewhere.db' AS other" });
    expect(textOf(attach)).toContain(
      "the server's operator can allow it with --allow-attach (MCP_SQLITE_ALLOW_ATTACH=1)",
    );
  });

  it("a timeout names the bin's flag and variable, however long the executor took to start", async () => {
    // An endless query meets any limit: stopped while running, or (the executor slow to start) waited out unrun.
    // Both messages name the setting, so the outcome does not depend on the machine's load.
    const server = await start("bin", "stdio", ["--db", dbPath(), "--timeout-ms", "300"]);
    const endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
    const slow = await server.call("execute_query", { sql: endless });
    expect(textOf(slow)).toMatch(
      /^execute_query failed: (stopped after|waited) 300 ms, the time limit set by --timeout-ms MS \(MCP_SQLITE_TIMEOUT_MS\)/,
    );
  });
});

describe("mcp-sqlite as shipped, to every client", () => {
  it.each(PROTOCOL_MATRIX)("over %s a %s client gets its revision, lists and calls tools", async (transport, kind) => {
    const path = dbPath();
    seedDatabase(path);
    const server = await start("bin", transport, ["--db", path], {}, kind);
    expect(server.client.protocolVersion()).toBe(expectedVersion(kind));
    expect(await server.toolNames()).toEqual(expect.arrayContaining(READING));
    const result = dataOf(await server.call("execute_query", { sql: "SELECT count(*) AS n FROM items" }));
    expect(result).toMatchObject({ columns: ["n"], rows: [[3]] });
  });
});
