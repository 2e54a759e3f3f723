import { accessSync, closeSync, constants, openSync, readSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { makeDirs } from "@mcp-toolkit/core";
import Database from "better-sqlite3";
import type { Connections } from "./engine-request.js";
import { StatementCache } from "./statement-cache.js";

/** How to open a database file. */
export interface OpenOptions {
  path: string;
  readOnly: boolean;
  /** How long a statement waits for another connection's lock before "database is locked". */
  busyTimeoutMs: number;
  /** Told, in one line, what the operator should know about how the file was opened (say, that it stays out of WAL). */
  log?: (line: string) => void;
}

/**
 * Open the writer (WAL, busy timeout; skipped when read-only) and a separate reader opened `readonly`
 * with PRAGMA query_only. An in-memory database has one handle, shared, with query_only switched per query.
 */
export function openConnections({ path, readOnly, busyTimeoutMs, log }: OpenOptions): Connections {
  const timeout = busyTimeoutMs;
  if (path === ":memory:" || path === "") {
    const db = new Database(path, { timeout });
    if (readOnly) db.pragma("query_only = 1");
    return { writer: readOnly ? undefined : db, reader: db, shared: true, statements: new StatementCache() };
  }
  let writer: Database.Database | undefined;
  if (!readOnly) {
    makeDirs(dirname(path));
    writer = new Database(path, { timeout });
    switchToWal(writer, path, busyTimeoutMs, log);
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

/**
 * WAL lets readers (ours and other processes') run while one connection writes. Switching needs the file to
 * itself: while another connection holds a lock it is not waited for in SQLite's busy handler (an EXCLUSIVE lock
 * would make it wait the whole busy timeout, and the executor would still be starting when the call's time is up).
 * Replicas started together on one new file each take the other's lock for a moment, so both would give up and the
 * file would stay out of WAL for good: the switch is tried again after short pauses of different lengths, for at most
 * WAL_SWITCH_MS, and counts as done when another connection made the file WAL meanwhile. Past that the file stays
 * in its journal mode, which reads and writes work in too (waiting their busy timeout for locks); a later open (a new
 * executor process) tries again.
 */
function switchToWal(
  writer: Database.Database,
  path: string,
  busyTimeoutMs: number,
  log?: (line: string) => void,
): void {
  const until = Date.now() + Math.min(WAL_SWITCH_MS, busyTimeoutMs);
  // An app's database in a rollback journal mode stays in WAL after the server stops: the operator is told so.
  const switching = !isWalFile(path) && hasPages(path);
  for (;;) {
    if (withoutBusyWait(writer, busyTimeoutMs, () => writer.pragma("journal_mode = WAL"))) {
      if (switching && isWalFile(path)) {
        log?.(
          `${path} was in a rollback journal mode and is now in WAL, which the file keeps after the server stops (its -wal and -shm files appear beside it while it is open); to switch it back, stop the server and run PRAGMA journal_mode=DELETE on it`,
        );
      }
      return;
    }
    if (isWalFile(path)) return;
    const pause = 5 + Math.floor(Math.random() * 20);
    if (Date.now() + pause > until) break;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
  }
  log?.(
    `${path} stays in its rollback journal mode for now: another connection holds a lock, so it could not switch to WAL (the next start tries again)`,
  );
}

/** How long opening keeps trying to switch a file to WAL while other connections hold locks on it. */
const WAL_SWITCH_MS = 250;

/**
 * Run `fn` once without waiting for locks: false when another connection's lock stopped it (SQLITE_BUSY); other
 * errors pass through. The busy timeout goes back to `busyTimeoutMs` after.
 */
export function withoutBusyWait(db: Database.Database, busyTimeoutMs: number, fn: () => unknown): boolean {
  db.pragma("busy_timeout = 0");
  try {
    fn();
    return true;
  } catch (error) {
    if (String((error as { code?: unknown }).code).startsWith("SQLITE_BUSY")) return false;
    throw error;
  } finally {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  }
}

/**
 * Why opening failed, when the cause is a WAL file in a folder this user cannot write: reading a WAL database needs
 * its -shm (and -wal) file beside it, which SQLite must be able to create, so even a read-only open fails there, as
 * "attempt to write a readonly database". Undefined for any other failure.
 */
export function walFolderProblem(path: string, error: unknown): string | undefined {
  const code = String((error as { code?: unknown }).code);
  if (!code.startsWith("SQLITE_READONLY") && !code.startsWith("SQLITE_CANTOPEN")) return undefined;
  if (!isWalFile(path)) return undefined;
  const folder = dirname(path);
  try {
    accessSync(folder, constants.W_OK);
    return undefined;
  } catch {
    return `it is in WAL mode, and reading it needs its -shm and -wal files beside it, which this server's user cannot create in ${folder}: make the folder writable, or convert the file with PRAGMA journal_mode=DELETE (as a user who can write there)`;
  }
}

/** Does the file at `path` hold a database already (not a new or empty one, which has nothing to switch)? */
function hasPages(path: string): boolean {
  return (statSync(path, { throwIfNoEntry: false })?.size ?? 0) > 0;
}

/** Does the file's header say WAL (its read and write versions, bytes 18 and 19, are 2)? */
function isWalFile(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const header = Buffer.alloc(20);
    return readSync(fd, header, 0, 20, 0) === 20 && header[18] === 2 && header[19] === 2;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Close both handles (the reader first, so the writer's close can checkpoint the WAL and remove it with the -shm file).
 * The writer checkpoints first: a writer that has not read since a new file switched to WAL has not opened the WAL, so
 * its close would leave the -wal and -shm files the reader made. Another connection's lock is not waited for.
 */
export function closeConnections(conns: Connections): void {
  if (!conns.shared) conns.reader.close();
  const { writer } = conns;
  if (writer?.open) {
    try {
      // The handle closes next, so its busy timeout need not come back.
      withoutBusyWait(writer, 0, () => writer.pragma("wal_checkpoint(TRUNCATE)"));
    } catch {
      // Closing goes on: what is committed is in the WAL, which the next connection reads.
    }
  }
  writer?.close();
}
