import type Database from "better-sqlite3";
import { insertsRow, type LossStep, mainProgram, updatesTableOf } from "./loss-policy.js";
import { programOf } from "./losses.js";
import type { StatementCache } from "./statement-cache.js";
import { toJsonValue } from "./values.js";

/** What a write statement did, as execute_write reports it. */
export interface WriteOutcome {
  /** Rows the statement itself inserted, updated or deleted; rows its triggers changed are not counted. */
  changes: number;
  /** Rowid of the last row an INSERT or REPLACE inserted into a rowid table; absent for any other statement. */
  lastInsertRowid?: number | string;
}

/** The connection's counters just before a statement runs, to tell what the statement itself did. */
export interface WriteBaseline {
  /** total_changes(), triggers included. */
  totalChanges: bigint;
  lastInsertRowid: bigint;
}

/** The counters of `db` now, read before a statement runs. */
export function writeBaseline(cache: StatementCache, db: Database.Database): WriteBaseline {
  const [totalChanges, lastInsertRowid] = cache
    .prepare(db, "SELECT total_changes(), last_insert_rowid()")
    .raw()
    .safeIntegers()
    .get() as [bigint, bigint];
  return { totalChanges, lastInsertRowid };
}

/**
 * The outcome of a statement just run (or its RETURNING rows read) on `db`, against the counters from before it.
 * When nothing at all changed (total_changes() is the same), changes() would still hold an earlier statement's
 * count. An upsert whose rows all took the DO UPDATE branch inserted nothing, so last_insert_rowid() still holds an
 * earlier statement's rowid.
 */
export function writeOutcome(
  cache: StatementCache,
  db: Database.Database,
  ran: { sql: string; args: unknown[]; program?: LossStep[] | undefined },
  before: WriteBaseline,
): WriteOutcome {
  const now = writeBaseline(cache, db);
  if (now.totalChanges === before.totalChanges) return { changes: 0 };
  const changes = cache.prepare(db, "SELECT changes()").raw().safeIntegers().get() as [bigint];
  const outcome: WriteOutcome = { changes: Number(changes[0]) };
  if (changes[0] === 0n) return outcome;
  const rowid = now.lastInsertRowid;
  const inserts = rowInserts(ran.program ?? programOf(db, ran.sql, ran.args));
  if (inserts === "always" || (inserts === "upsert" && rowid !== before.lastInsertRowid)) {
    outcome.lastInsertRowid = toJsonValue(rowid) as number | string;
  }
  return outcome;
}

/**
 * Whether the statement's own program (not its triggers') inserts rows that set last_insert_rowid(): always, only
 * where an upsert's conflict check lets a row through (it also writes the same table without LASTROWID, its DO
 * UPDATE), or never.
 */
function rowInserts(program: readonly LossStep[]): "always" | "upsert" | "never" {
  // A trigger's subprogram, listed after the main one, inserts with LASTROWID too; SQLite restores the rowid after it.
  const main = mainProgram(program);
  const row = main.find(insertsRow);
  if (!row) return "never";
  return updatesTableOf(main, row) ? "upsert" : "always";
}
