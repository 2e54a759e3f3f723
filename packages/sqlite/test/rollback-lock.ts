import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/server";
import Database from "better-sqlite3";
import { afterAll, beforeAll } from "vitest";
import { type Connected, connect, seedDatabase, snapshot, tempDir } from "./helpers.js";

/** A server over a rollback-journal (not WAL) file, and a way to call it while another connection locks that file. */
export interface RollbackLockedServer {
  path: string;
  conn: Connected;
  /** Call `tool` while another connection holds BEGIN EXCLUSIVE; the file as it was is `before`, as it is `after`. */
  callLocked(
    tool: string,
    args?: Record<string, unknown>,
  ): Promise<{ result: CallToolResult; before: unknown; after: unknown }>;
}

/**
 * For one describe block: a seeded database kept in its rollback journal, where an EXCLUSIVE lock stops readers as
 * well as writers, and a server over it. The lock is taken only after the server is built: its start-up look at the
 * file opens and closes it, and closing any descriptor of a file drops every POSIX lock this process holds on it,
 * another connection's too. The executor then opens under the lock, so the file stays out of WAL.
 */
export function useRollbackLockedServer(): RollbackLockedServer {
  const tmp = tempDir();
  const server = { path: join(tmp.dir, "journal.db") } as RollbackLockedServer;
  beforeAll(async () => {
    seedDatabase(server.path);
    const db = new Database(server.path);
    db.pragma("journal_mode = DELETE");
    db.close();
    server.conn = await connect({ database: server.path, timeoutMs: 4000, busyTimeoutMs: 100 });
  });
  afterAll(async () => {
    await server.conn?.close();
    tmp.cleanup();
  });
  server.callLocked = async (tool, args = {}) => {
    const before = snapshot(server.path);
    const other = new Database(server.path);
    other.exec("BEGIN EXCLUSIVE");
    let result: CallToolResult;
    try {
      result = await server.conn.call(tool, args);
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    return { result, before, after: snapshot(server.path) };
  };
  return server;
}

/** What every tool says when another connection's lock stopped it: the same words, with what did not run. */
export function lockedReply(tool: string, what: string): RegExp {
  const escaped = what.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(
    `^${tool} failed: database is locked \\[SQLITE_BUSY\\]: another connection .* holds a lock on the database file, so ${escaped} and nothing was changed\\. Retry shortly; if it stays locked, that connection must first commit or roll back`,
  );
}
