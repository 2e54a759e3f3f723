import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { ChildExecutor } from "../src/child-executor.js";
import { closeConnections, openConnections } from "../src/connections.js";
import { connect, dataOf, executorEntry, tempDir, textOf } from "./helpers.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A rollback-journal (not WAL) database, and another connection holding its lock in a `mode` transaction. */
function lockedRollbackDatabase(mode: "IMMEDIATE" | "EXCLUSIVE"): string {
  const { dir, cleanup } = tempDir();
  const path = join(dir, "journal.db");
  const other = new Database(path);
  other.exec("CREATE TABLE audit(id INTEGER PRIMARY KEY, msg TEXT); INSERT INTO audit(msg) VALUES ('a')");
  other.exec(`BEGIN ${mode}; INSERT INTO audit(msg) VALUES ('held')`);
  cleanups.push(() => {
    other.exec("COMMIT");
    other.close();
    cleanup();
  });
  return path;
}

describe("openConnections on a rollback-journal file another connection holds a lock on", () => {
  it("opens without switching to WAL, says so once, and reads under the other's RESERVED lock", () => {
    const path = lockedRollbackDatabase("IMMEDIATE");
    const lines: string[] = [];
    const conns = openConnections({ path, readOnly: false, busyTimeoutMs: 100, log: (line) => lines.push(line) });
    try {
      expect(lines).toEqual([
        expect.stringMatching(/stays in its rollback journal mode for now: .*could not switch to WAL/),
      ]);
      expect(conns.reader.prepare("SELECT count(*) FROM audit").pluck().get()).toBe(1);
      expect(conns.reader.pragma("journal_mode", { simple: true })).toBe("delete");
    } finally {
      closeConnections(conns);
    }
  });
});

describe("a server on a rollback-journal file another connection holds an EXCLUSIVE lock on", () => {
  it("answers each call, also one queued behind another, that the database is locked, not that it was too slow", async () => {
    const path = lockedRollbackDatabase("EXCLUSIVE");
    const executor = new ChildExecutor({ path, readOnly: false, timeoutMs: 4000, entry: await executorEntry() });
    const conn = await connect({ database: executor });
    try {
      const [query, write] = await Promise.all([
        conn.call("execute_query", { sql: "SELECT count(*) FROM audit" }),
        conn.call("execute_write", { sql: "INSERT INTO audit(msg) VALUES ('ours')" }),
      ]);
      expect(textOf(query)).toMatch(/database is locked .*retry shortly/);
      expect(textOf(write)).toMatch(/database is locked/);
      expect(textOf(write)).not.toMatch(/stopped after|Narrow it/);
    } finally {
      await conn.close();
      await executor.close();
    }
  });

  it("reads under the RESERVED lock of another connection's pending write", async () => {
    const path = lockedRollbackDatabase("IMMEDIATE");
    const executor = new ChildExecutor({ path, readOnly: false, timeoutMs: 4000, entry: await executorEntry() });
    const conn = await connect({ database: executor });
    try {
      expect(dataOf(await conn.call("execute_query", { sql: "SELECT count(*) AS n FROM audit" }))).toMatchObject({
        rows: [[1]],
      });
    } finally {
      await conn.close();
      await executor.close();
    }
  });
});
