/**
 * PRAGMAs judged by name, before SQLite sees them: those whose compiling alone would change the process or the
 * server's own connections, and the bare one SQLite flags as writing though it only reads. Everything else gets its
 * verdict from SQLite itself (sql-policy.ts).
 */
import type { Verdict } from "@mcp-toolkit/core";
import { pragmaShape, startsWithExplain } from "./sql-shape.js";

/**
 * PRAGMAs that SQLite applies to the whole process, not to one connection, while it compiles them: before
 * sqlite3_stmt_readonly or EXPLAIN can say anything, and for as long as the process lives (sqlite3Pragma() sets
 * sqlite3_temp_directory, sqlite3_data_directory (Windows builds only) and the soft and hard heap limits as it
 * parses; the hard limit cannot even be raised back). They are the one place the verdict cannot come from SQLite's
 * own account of a statement, because asking SQLite is what applies them, so they are judged by name before
 * prepare(). pragma-policy.test.ts sets every pragma SQLite lists and checks that no other outlives its connection.
 */
export const PROCESS_WIDE_PRAGMAS: ReadonlySet<string> = new Set([
  "temp_store_directory",
  "data_store_directory",
  "soft_heap_limit",
  "hard_heap_limit",
]);

/**
 * Settings of the server's own connections that what it promises rests on: the WAL journal (readers never wait, other
 * processes share the file), normal locking (its reader and other processes can open the file), the bounded lock
 * wait (it ends well before the time limit) and a writer that can write (not read-only, not capped in pages). Set
 * through a write tool they would hold for every later call and client, since the writer is kept (`locking_mode =
 * EXCLUSIVE` made every later write fail as "database is locked", `max_page_count = 1` as "database or disk is full");
 * through execute_query they would not hold at all, since its connection is replaced after a PRAGMA. Some apply as
 * SQLite compiles them, so they are judged by name before prepare(), like PROCESS_WIDE_PRAGMAS.
 */
export const SERVER_KEPT_PRAGMAS: ReadonlySet<string> = new Set([
  "journal_mode",
  "locking_mode",
  "busy_timeout",
  "query_only",
  "max_page_count",
]);

/**
 * May `sql` be given to SQLite at all? Refuses a PRAGMA of PROCESS_WIDE_PRAGMAS or SERVER_KEPT_PRAGMAS with anything
 * after its name (a value, or text SQLite would reach only after applying one, like a syntax error); the bare name
 * only reads.
 */
export function verdictBeforePrepare(sql: string): Verdict {
  const pragma = pragmaShape(sql);
  if (!pragma?.name || !pragma.more) return { ok: true };
  if (PROCESS_WIDE_PRAGMAS.has(pragma.name)) {
    return {
      ok: false,
      reason: `PRAGMA ${pragma.name} with a value changes a setting of the whole process, beyond this connection, as soon as SQLite compiles it, so it is not given to SQLite; PRAGMA ${pragma.name} alone reads it`,
    };
  }
  // EXPLAIN of one only compiles it: on the reader, which is replaced after a PRAGMA (a write tool refuses EXPLAIN).
  if (SERVER_KEPT_PRAGMAS.has(pragma.name) && !startsWithExplain(sql)) {
    return {
      ok: false,
      reason: `PRAGMA ${pragma.name} is a setting this server keeps on its connections (WAL journal, normal locking, a lock wait bounded by the time limit, a writer that can write and grow) for every call and client, so it is not given to SQLite; PRAGMA ${pragma.name} alone reads it (execute_query)`,
    };
  }
  return { ok: true };
}

/**
 * PRAGMAs that sqlite3_stmt_readonly calls writing even with no value, though then they only read. Bare
 * `PRAGMA journal_mode` compiles to a JournalMode step asked for no new mode: it reports the mode and changes nothing
 * (on a WAL database the read opens the -wal and -shm files, as any read does). pragma-policy.test.ts checks that no
 * other bare pragma that returns rows is flagged as writing.
 */
export const READ_ONLY_BARE_PRAGMAS: ReadonlySet<string> = new Set(["journal_mode"]);

/** Is `sql` a PRAGMA of READ_ONLY_BARE_PRAGMAS with nothing after its name (not under EXPLAIN)? */
export function isBarePragmaRead(sql: string): boolean {
  if (startsWithExplain(sql)) return false;
  const pragma = pragmaShape(sql);
  return pragma?.name !== undefined && !pragma.more && READ_ONLY_BARE_PRAGMAS.has(pragma.name);
}
