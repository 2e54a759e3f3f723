import type Database from "better-sqlite3";
import { insertsRow } from "./loss-policy.js";
import { programOf } from "./losses.js";
import type { StatementCache } from "./statements.js";
import { toJsonValue } from "./values.js";

/** What a write statement did, as execute_write reports it. */
export interface WriteOutcome {
  /** Rows the statement itself inserted, updated or deleted; rows its triggers changed are not counted. */
  changes: number;
  /** Rowid of the last row an INSERT or REPLACE inserted into a rowid table; absent for any other statement. */
  lastInsertRowid?: number | string;
}

/**
 * The outcome of `stmt`, just run (or its RETURNING rows read) on `db`. `changed` says whether anything at all
 * changed, triggers included (a total_changes() delta): when nothing did, changes() would still hold an earlier
 * statement's count.
 */
export function writeOutcome(
  cache: StatementCache,
  db: Database.Database,
  sql: string,
  args: unknown[],
  changed: boolean,
): WriteOutcome {
  if (!changed) return { changes: 0 };
  const [changes, rowid] = cache.prepare(db, "SELECT changes(), last_insert_rowid()").raw().safeIntegers().get() as [
    bigint,
    bigint,
  ];
  const outcome: WriteOutcome = { changes: Number(changes) };
  if (changes > 0n && setsLastRowid(db, sql, args)) outcome.lastInsertRowid = toJsonValue(rowid) as number | string;
  return outcome;
}

/** Whether the statement's own program (not its triggers') inserts a row that sets last_insert_rowid(). */
function setsLastRowid(db: Database.Database, sql: string, args: unknown[]): boolean {
  return programOf(db, sql, args).some(insertsRow);
}
