import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { Connections } from "./engine.js";
import { StatementCache } from "./statements.js";

/** How to open a database file. */
export interface OpenOptions {
  path: string;
  readOnly: boolean;
  /** How long a statement waits for another connection's lock before "database is locked". */
  busyTimeoutMs: number;
}

/**
 * Open the writer (WAL, busy timeout; skipped when read-only) and a separate reader opened `readonly`
 * with PRAGMA query_only. An in-memory database has one handle, shared, with query_only switched per query.
 */
export function openConnections({ path, readOnly, busyTimeoutMs }: OpenOptions): Connections {
  const timeout = busyTimeoutMs;
  if (path === ":memory:" || path === "") {
    const db = new Database(path, { timeout });
    if (readOnly) db.pragma("query_only = 1");
    return { writer: readOnly ? undefined : db, reader: db, shared: true, statements: new StatementCache() };
  }
  let writer: Database.Database | undefined;
  if (!readOnly) {
    mkdirSync(dirname(path), { recursive: true });
    writer = new Database(path, { timeout });
    // WAL lets readers (ours and other processes') run while one connection writes.
    writer.pragma("journal_mode = WAL");
  }
  try {
    const openReader = () => {
      const reader = new Database(path, { readonly: true, fileMustExist: true, timeout });
      reader.pragma("query_only = 1");
      return reader;
    };
    return { writer, reader: openReader(), shared: false, statements: new StatementCache(), reopenReader: openReader };
  } catch (error) {
    writer?.close();
    throw error;
  }
}

/** Close both handles (the reader first, so the writer's close can checkpoint the WAL). */
export function closeConnections(conns: Connections): void {
  if (!conns.shared) conns.reader.close();
  conns.writer?.close();
}
