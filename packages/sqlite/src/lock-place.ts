import { attachedOf, type DatabaseEntry } from "./attachments.js";
import { lockedMessage } from "./lock-message.js";
import type { LossStep } from "./loss-policy.js";
import { snippet } from "./sql-failure.js";
import { statementKind } from "./sql-policy.js";
import { sqliteCodeOf } from "./sqlite-code.js";
import { ToolError } from "./tool-error.js";

/**
 * Which file another connection's lock stopped a call on: SQLite's "database is locked" names none, and with
 * databases attached, "the database file" reads as the main one when the lock may be on an attached one. Read from
 * the statements' programs, whose Transaction steps name each schema they open (P1: 0 main, 1 temp, 2+ attached;
 * P2 not 0 to write it).
 */

/** The schemas `program` opens (only those it writes, with `writes`); undefined without a program. */
export function schemasOpened(program: readonly LossStep[] | undefined, writes = false): Set<number> | undefined {
  if (!program) return undefined;
  return new Set(program.filter((s) => s.opcode === "Transaction" && (!writes || s.p2 !== 0)).map((s) => s.p1));
}

/**
 * Of the schemas `opened` (any, when not known), the attached ones as a lock message names them (`attached database
 * "aux" (/data/aux.db)`), or undefined when there are none: the lock was on the main file. `mainHeld`: this
 * connection already holds the main file's lock (its own transaction), so another's cannot be on it.
 */
export function lockedDatabase(
  opened: ReadonlySet<number> | undefined,
  list: readonly DatabaseEntry[],
  mainHeld: boolean,
): string | undefined {
  const attached = attachedOf(list).filter(({ seq }) => opened?.has(seq) ?? true);
  if (attached.length === 0) return undefined;
  const names = attached.map(({ name, file }) => `${JSON.stringify(name)} (${file || "in memory"})`).join(" or ");
  const mainToo = !mainHeld && (opened?.has(0) ?? true);
  return `${mainToo ? "the database file or " : ""}attached database ${names}`;
}

/**
 * Where another connection's lock stopped a COMMIT of a transaction that wrote the schemas `written`: an attached
 * one, or the main file, unless main is in WAL (`mainJournalMode`), where a commit waits for no other connection (the
 * write lock it needs was taken at BEGIN IMMEDIATE, and readers never block it).
 */
export function commitLockPlace(
  written: ReadonlySet<number>,
  list: readonly DatabaseEntry[],
  mainJournalMode: string,
): string | undefined {
  return lockedDatabase(written, list, mainJournalMode.toLowerCase() === "wal");
}

/** Where a lock stopped one statement: as lockedDatabase says, or an ATTACH's own file (not in `list` yet). */
export function statementLockPlace(
  program: readonly LossStep[] | undefined,
  list: readonly DatabaseEntry[],
  mainHeld: boolean,
): string | undefined {
  if (statementKind(program) === "attach") return "the file this ATTACH opens";
  return lockedDatabase(schemasOpened(program), list, mainHeld);
}

/**
 * `error`, or, when another connection's lock (SQLITE_BUSY) stopped statement `sql` on an attached database, the
 * same failure naming that database (`database` says which, asked only then).
 */
export function withLockedDatabase(error: unknown, sql: string, database: () => string | undefined): unknown {
  const code = sqliteCodeOf(error, (found) => /^SQLITE_BUSY(_|$)/.test(found));
  const where = code === undefined ? undefined : database();
  if (code === undefined || where === undefined) return error;
  const subject = { what: "the statement did not run", statement: snippet(sql), database: where };
  return new ToolError(lockedMessage(code, subject), { cause: error instanceof ToolError ? error.cause : error });
}
