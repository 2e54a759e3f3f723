import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { errorWith, typeErrorWith } from "../../core/test/matchers.js";
import { tooLargeMessage } from "../../core/test/too-large.js";
import { ChildExecutor } from "../src/child-executor.js";
import { createSqliteServer, createSqliteServerFactory } from "../src/server.js";
import {
  connect,
  dataOf,
  eventually,
  executorEntry,
  isAlive,
  seedDatabase,
  snapshot,
  tempDir,
  textOf,
} from "./helpers.js";

describe("createSqliteServer", () => {
  const tmp = tempDir();
  const path = join(tmp.dir, "data.db");
  seedDatabase(path);
  afterAll(() => tmp.cleanup());

  it("read-only: opens the file read-only and lists no write tools", async () => {
    const conn = await connect({ database: path, readOnly: true });
    try {
      const names = (await conn.client.listTools()).tools.map((t) => t.name).sort();
      expect(names).toEqual(["describe_table", "execute_query", "list_tables"]);
      expect(dataOf(await conn.call("execute_query", { sql: "SELECT count(*) FROM items" }))).toMatchObject({
        rows: [[3]],
      });
      await expect(conn.call("execute_write", { sql: "DELETE FROM items" })).rejects.toThrow(/execute_write not found/);
      expect(snapshot(path)).toMatchObject({ rows: expect.arrayContaining([expect.objectContaining({ id: 3 })]) });
    } finally {
      await conn.close();
    }
  });

  it("declares all four annotations and an output schema on every tool", async () => {
    const conn = await connect({ database: path });
    try {
      const { tools } = await conn.client.listTools();
      const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
      expect(byName.execute_query?.annotations).toEqual({
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      });
      expect(byName.execute_write?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
      for (const tool of tools) expect(tool.outputSchema, tool.name).toBeDefined();
    } finally {
      await conn.close();
    }
  });

  it("uses an open in-memory better-sqlite3 Database as is, with queries still held to read-only", async () => {
    const db = new Database(":memory:");
    db.exec("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2)");
    const conn = await connect({ database: db });
    try {
      expect(dataOf(await conn.call("execute_write", { sql: "INSERT INTO t VALUES (3)" }))).toMatchObject({
        changes: 1,
      });
      const refused = await conn.call("execute_query", { sql: "DELETE FROM t" });
      expect(textOf(refused)).toMatch(/writes/);
      expect(db.prepare("SELECT count(*) FROM t").pluck().get()).toBe(3);
      // query_only is switched on for a query and back off after it, on the caller's own handle.
      expect(db.pragma("query_only", { simple: true })).toBe(0);
    } finally {
      await conn.close();
      db.close();
    }
  });

  it("uses an open file Database, reading through a second, read-only connection", async () => {
    const db = new Database(path);
    const conn = await connect({ database: db, timeoutMs: 5000 });
    try {
      expect(dataOf(await conn.call("describe_table", { table: "items" }))).toMatchObject({ rowCount: 3 });
      expect(
        dataOf(await conn.call("execute_query", { sql: "SELECT name FROM items WHERE id = ?", params: [2] })),
      ).toMatchObject({ rows: [["pear"]] });
    } finally {
      await conn.close();
      db.close();
    }
  });

  it("an open Database: refuses a PRAGMA that changes the whole process before SQLite compiles it, so this process keeps its setting", async () => {
    const db = new Database(path);
    const conn = await connect({ database: db });
    const setting = () => [
      db.pragma("temp_store_directory", { simple: true }),
      db.pragma("soft_heap_limit", { simple: true }),
    ];
    const before = setting();
    try {
      for (const [tool, args] of [
        ["execute_query", { sql: `EXPLAIN PRAGMA "temp_store_directory" = '${tmp.dir}'` }],
        ["execute_query", { sql: "/**/PRAGMA main.soft_heap_limit(1000000000)" }],
        ["execute_write", { sql: `PRAGMA temp_store_directory = '${tmp.dir}'` }],
        ["execute_transaction", { statements: [{ sql: `PRAGMA [temp_store_directory] = '${tmp.dir}'` }] }],
      ] as const) {
        const result = await conn.call(tool, args);
        expect(setting(), JSON.stringify(args)).toEqual(before);
        expect(textOf(result), JSON.stringify(args)).toMatch(/refused, nothing ran: .*whole process/);
      }
    } finally {
      // Were it applied after all, leave this test process as it was.
      db.pragma("temp_store_directory = ''");
      db.pragma("soft_heap_limit = 0");
      await conn.close();
      db.close();
    }
  });

  it("takes a memory limit for a path only, and not one below what the executor process needs", async () => {
    const db = new Database(":memory:");
    try {
      expect(() => createSqliteServer({ database: db, maxMemoryMb: 512 })).toThrow(
        errorWith(TypeError, "maxMemoryMb bounds the process a database path is run in"),
      );
      expect(() => createSqliteServer({ database: path, maxMemoryMb: 100 })).toThrow(
        errorWith(RangeError, "maxMemoryMb must be a whole number ≥ 160, got 100"),
      );
    } finally {
      db.close();
    }
  });

  it("refuses a database path SQLite could not open when it is made, not at the first call", () => {
    const missing = join(tmp.dir, "missing.db");
    expect(() => createSqliteServer({ database: tmp.dir })).toThrow(
      `database ${JSON.stringify(tmp.dir)} is a directory, not a database file`,
    );
    expect(() => createSqliteServerFactory({ database: missing, readOnly: true })).toThrow(
      `database ${JSON.stringify(missing)}: no such file, and readOnly: true cannot create it`,
    );
    expect(existsSync(missing)).toBe(false);
  });

  // Plain JavaScript callers have no compiler: each mistake is one TypeError naming the factory and the option,
  // thrown before any process is started.
  it.each<[string, unknown, string]>([
    ["no options", undefined, "createSqliteServer takes an options object (database, readOnly,"],
    [
      "a path for the object",
      "app.db",
      'createSqliteServer takes an options object (database, readOnly, timeoutMs, busyTimeoutMs, maxRows, maxResponseBytes, allowAttach, maxMemoryMb, confirm, settingNames, executorEntry, logger), got "app.db"',
    ],
    [
      "no database",
      {},
      "createSqliteServer: option database is required (a file path, an open better-sqlite3 Database or a SqliteExecutor)",
    ],
    ["the CLI's name for it", { db: "app.db" }, 'createSqliteServer: unknown option "db" — did you mean "database"?'],
    ["a misspelling", { database: "app.db", readonly: true }, 'unknown option "readonly" — did you mean "readOnly"?'],
    [
      // SQLite would take "" for a temporary database, gone when the server stops: the path check says what to give.
      "an empty path",
      { database: "" },
      'database "" is empty: give the database file\'s path (or ":memory:" for a database that is gone when the server stops)',
    ],
    [
      "a plain object for the database",
      { database: {} },
      "database must be a file path, an open better-sqlite3 Database or a SqliteExecutor, got an object",
    ],
    [
      "rows as text",
      { database: "app.db", maxRows: "500" },
      'createSqliteServer: maxRows must be a whole number ≥ 1, got "500"',
    ],
    [
      "an unknown confirm mode",
      { database: "app.db", confirm: "always" },
      'confirm must be one of "never", "destructive", got "always"',
    ],
  ])("refuses %s from a plain JavaScript caller", (_, options, message) => {
    expect(() => createSqliteServer(options as never)).toThrow(typeErrorWith(message));
  });

  it("shares one executor between servers, leaves it to its owner, and never leaves its process behind", async () => {
    const executor = new ChildExecutor({ path, readOnly: false, timeoutMs: 5000, entry: await executorEntry() });
    const a = await connect({ database: executor });
    const b = await connect({ database: executor });
    await a.call("list_tables");
    const pid = executor.pid as number;
    await a.close();
    expect(dataOf(await b.call("execute_query", { sql: "SELECT 1 AS one" }))).toMatchObject({ rows: [[1]] });
    expect(executor.pid).toBe(pid);
    await b.close();
    await executor.close();
    expect(await eventually(() => !isAlive(pid))).toBe(true);
  });

  it("closes the process it opened for a path when the server closes (default entry: the sources via tsx)", async () => {
    const before = new Set(childPids());
    const conn = await connect({ database: path, executorEntry: undefined });
    await conn.call("list_tables");
    const pids = childPids().filter((pid) => !before.has(pid));
    expect(pids.length).toBeGreaterThan(0);
    await conn.close();
    expect(await eventually(() => pids.every((pid) => !isAlive(pid)))).toBe(true);
  });

  it("one ready server: when `await server.close()` returns, its process is gone and the WAL checkpointed", async () => {
    const file = join(tmp.dir, "closed.db");
    const server = createSqliteServer({ database: file, executorEntry: await executorEntry() });
    const client = new Client({ name: "test", version: "1.0.0" });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    const before = new Set(childPids());
    await client.callTool({ name: "execute_write", arguments: { sql: "CREATE TABLE t (x)" } });
    const pids = childPids().filter((pid) => !before.has(pid));
    expect(existsSync(`${file}-wal`)).toBe(true);
    await server.close();
    expect(pids.filter((pid) => isAlive(pid))).toEqual([]);
    expect(existsSync(`${file}-wal`)).toBe(false);
    // Its executor is gone for good: connecting it again is refused, not a server answering "shutting down" forever.
    await expect(server.connect(InMemoryTransport.createLinkedPair()[1])).rejects.toThrow(
      "Call createSqliteServer again for the next connection, or serve many connections from one createSqliteServerFactory",
    );
  });
});

describe("createSqliteServer under a short time limit", () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  /**
   * A seeded database whose write lock another connection holds while `whileLocked` runs (the executor runs in its own
   * process, so this connection's lock is another process's to it); `afterRelease` runs once the lock is let go.
   */
  async function underAnotherLock(
    name: string,
    whileLocked: (conn: Awaited<ReturnType<typeof connect>>) => Promise<void>,
    afterRelease: (conn: Awaited<ReturnType<typeof connect>>) => Promise<void>,
  ) {
    const file = join(tmp.dir, name);
    seedDatabase(file);
    const holder = new Database(file);
    const conn = await connect({ database: file, timeoutMs: 2000 });
    try {
      await conn.call("list_tables");
      holder.exec("BEGIN EXCLUSIVE");
      await whileLocked(conn);
      holder.exec("ROLLBACK");
      await afterRelease(conn);
    } finally {
      if (holder.inTransaction) holder.exec("ROLLBACK");
      holder.close();
      await conn.close();
    }
  }

  it("reports a write that waits on another connection's lock as locked, not as a runaway statement", async () => {
    const sql = "INSERT INTO items (name) VALUES ('late')";
    await underAnotherLock(
      "locked.db",
      async (conn) => {
        const write = await conn.call("execute_write", { sql });
        expect(write.isError).toBe(true);
        expect(textOf(write)).toMatch(/database is locked.*Retry shortly/);
        expect(textOf(write)).not.toMatch(/stopped after|recursive CTE/);
      },
      async (conn) => expect(dataOf(await conn.call("execute_write", { sql }))).toMatchObject({ changes: 1 }),
    );
  });

  it("reports a transaction that cannot take the write lock as locked, with what to do and that nothing applied", async () => {
    const statements = [{ sql: "INSERT INTO items (name) VALUES ('late')" }];
    await underAnotherLock(
      "locked-transaction.db",
      async (conn) => {
        const txn = await conn.call("execute_transaction", { statements });
        expect(txn.isError).toBe(true);
        expect(textOf(txn)).toMatch(
          /^execute_transaction failed: database is locked \[SQLITE_BUSY\]: another connection .* holds a lock on the database file, so the transaction could not take the lock it needs, was rolled back and nothing was changed\. Retry shortly; if it stays locked, that connection must first commit or roll back \(or close, if it runs with PRAGMA locking_mode = EXCLUSIVE, which holds the file until then\)$/,
        );
      },
      async (conn) =>
        expect(dataOf(await conn.call("execute_transaction", { statements }))).toMatchObject({
          results: [{ changes: 1 }],
        }),
    );
  });
});

describe("the SQLite server over HTTP, given a request body over 4 MiB", () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it("answers 413 with this server's own advice on sending less", async () => {
    const message = await tooLargeMessage(createSqliteServerFactory({ database: join(tmp.dir, "big.db") }));
    expect(message).toContain(
      "send less per request (many rows over several execute_write or execute_transaction calls, not all in one), or run the server over stdio",
    );
    expect(message).not.toMatch(/file|edit/);
  });

  it("advises a read-only server's client in terms of the one tool that takes SQL", async () => {
    const path = join(tmp.dir, "read-only.db");
    new Database(path).close();
    const message = await tooLargeMessage(createSqliteServerFactory({ database: path, readOnly: true }));
    expect(message).toContain(
      "send less per request (a shorter statement, with fewer or smaller params, in each execute_query call), or run the server over stdio",
    );
    expect(message).not.toMatch(/execute_write|execute_transaction/);
  });
});

/** This process's child pids (Linux /proc). */
function childPids(): number[] {
  try {
    return readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}
