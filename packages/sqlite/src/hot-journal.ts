import { sqliteCodeOf } from "./sqlite-code.js";

// A program killed partway through a write to a rollback-journal file leaves its -journal beside it (a "hot journal"),
// and the next connection to read the file must first roll that write back, which only one that can write may do.
// A read-only connection (the --read-only server's, and every server's reader) then fails every read with
// SQLITE_READONLY_ROLLBACK, "attempt to write a readonly database": nothing the model sent wrote anything, and
// making the file writable, which that message suggests, is not the fix.

/** SQLite's code for a read-only connection stopped by another program's unfinished write. */
export const HOT_JOURNAL_CODE = "SQLITE_READONLY_ROLLBACK";

/** Why nothing can be read, for a file whose last writer stopped mid-transaction. */
export const HOT_JOURNAL_REASON =
  "a program stopped partway through writing the file (it crashed or was killed mid-transaction, leaving its -journal file beside it), and only a connection that can write the file may roll that unfinished write back, which this server's read-only connection cannot";

/** What has to happen before a read can run. */
export const HOT_JOURNAL_REMEDY =
  "no read can run until a program that can write the file opens it and reads (the app itself, or the sqlite3 shell: sqlite3 <database file> 'PRAGMA quick_check'), which rolls that write back; deleting the -journal file instead would leave the half-made write in the file, corrupt";

/** Is `error` (or one it wraps) a read-only connection stopped by a hot journal? */
export function isHotJournal(error: unknown): boolean {
  return sqliteCodeOf(error, (code) => code === HOT_JOURNAL_CODE) !== undefined;
}

/** The message for `what` (a clause: "the list of tables could not be read") stopped by a hot journal. */
export function hotJournalMessage(what: string): string {
  return `attempt to write a readonly database [${HOT_JOURNAL_CODE}]: ${what}, and nothing was changed: ${HOT_JOURNAL_REASON}; ${HOT_JOURNAL_REMEDY}`;
}
