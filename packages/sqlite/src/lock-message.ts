/**
 * The one message for a call that a lock stopped, whichever tool, resource or prompt made it: what did not run, that
 * nothing was changed, who holds the lock and what to do. Chosen by SQLite's result code (better-sqlite3's `code`,
 * extended codes included), never by words in a message, which can quote anything.
 */
import { sqliteCodeOf } from "./sqlite-code.js";

/** What a lock stopped: a clause naming it ("the statement did not run") and the statement, when there is one. */
export interface LockSubject {
  what: string;
  /** The statement as messages quote it (sql-failure.ts `snippet`). */
  statement?: string;
  /** The file locked, when not the main one: `attached database "aux" (/data/aux.db)` (lock-place.ts). */
  database?: string | undefined;
}

/** Is `code` a lock failure: SQLITE_BUSY (another connection's lock) or SQLITE_LOCKED (a table lock), extended or not? */
export function isLockCode(code: unknown): code is string {
  return typeof code === "string" && /^SQLITE_(BUSY|LOCKED)(_|$)/.test(code);
}

/** The lock code of `error`, or of an error it wraps (`cause`); undefined when no lock stopped it. */
export function lockCodeOf(error: unknown): string | undefined {
  return sqliteCodeOf(error, isLockCode);
}

/**
 * The message for `subject` stopped by the lock failure `code`. It starts with SQLite's own words for the code
 * (sqlite3_errstr), so it reads the same whether SQLite's error or only its code came this far.
 */
export function lockedMessage(code: string, subject: LockSubject): string {
  const table = code.startsWith("SQLITE_LOCKED");
  const holder = table
    ? "another statement on the same connection holds a lock on a table it needs"
    : `another connection (a replica of this server on the same file, another program, or a sqlite3 shell with a transaction open) holds a lock on ${subject.database ?? "the database file"}`;
  const advice = table
    ? "Retry shortly, once that statement has finished"
    : // A program in locking_mode EXCLUSIVE keeps its lock with no transaction open: only closing frees the file.
      "Retry shortly; if it stays locked, that connection must first commit or roll back (or close, if it runs with PRAGMA locking_mode = EXCLUSIVE, which holds the file until then)";
  const statement = subject.statement === undefined ? "" : `. Statement: ${subject.statement}`;
  return `${table ? "database table is locked" : "database is locked"} [${code}]: ${holder}, so ${subject.what} and nothing was changed. ${advice}${statement}`;
}
