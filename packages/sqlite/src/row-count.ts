import type Database from "better-sqlite3";
import { CORRUPT_HINT } from "./error-hints.js";
import { sqliteCodeOf } from "./sqlite-code.js";
import { quoteIdentifier } from "./table-name.js";

/**
 * A table's row count as describe_table, the table resources and explore-database give it: counted up to
 * MAX_COUNTED_ROWS, and only while a time budget lasts, so a huge table (or a slow disk) costs a bounded read and the
 * rest of the description still arrives. An unbounded count(*) reads every page of the table's smallest b-tree: on a
 * 20-million-row, 2 GB file it took 0.4–0.8 s with the file in the page cache, and it grows with the table; the first
 * million rows took 45–65 ms.
 */

/** Rows counted at most; past this a table has "more than 1000000". */
export const MAX_COUNTED_ROWS = 1_000_000;

/** Rows counted in one step (one SQLite call, which nothing stops); the time budget is checked between steps. */
const STEP_ROWS = 100_000;

/**
 * When a request's row counts stop: `countMs` from now, or halfway to `deadlineAt` (performance.now() clock) when
 * that comes first. The executor process has no deadline of its own: the server's countMs is a share of the limit.
 */
export function countUntil(countMs: number, deadlineAt?: number, now = performance.now()): number {
  return now + Math.min(countMs, deadlineAt === undefined ? Number.POSITIVE_INFINITY : (deadlineAt - now) / 2);
}

/**
 * A row count: exact, or a lower bound, with a note saying why it stopped and how to count them all; null, with a
 * note, when the table's pages are damaged or reading it fails on its definition (SQLITE_ERROR), so it cannot be
 * counted.
 */
export interface RowCount {
  rowCount: number | string | null;
  rowCountNote?: string;
  /** SQLite's error, when reading the table failed on its definition (not its pages): `no such column: T.body`. */
  failed?: string;
}

/**
 * Count the rows of `schema`.`table` up to `cap`, stopping once `until` (performance.now() clock) has passed. A rowid
 * table is counted in steps along its rowid; a WITHOUT ROWID or virtual table, in one bounded step.
 */
export function countRows(
  db: Database.Database,
  table: string,
  schema = "main",
  until = Number.POSITIVE_INFINITY,
  cap = MAX_COUNTED_ROWS,
): RowCount {
  try {
    return countSteps(db, table, schema, until, cap);
  } catch (error) {
    // A damaged table still has its columns, keys and DDL in the schema: those are worth having, the count is not.
    // So has one whose reading fails on its definition (an external-content FTS5 table whose content table lacks
    // a column: "no such column: T.body"), where describe_table and explore-database failed as a whole.
    const code = sqliteCodeOf(error, (c) => c.startsWith("SQLITE_CORRUPT") || c === "SQLITE_ERROR");
    if (code === undefined) throw error;
    const message = (error as Error).message;
    const failed = `${message} [${code}]`;
    if (code === "SQLITE_ERROR")
      return { rowCount: null, rowCountNote: `its rows could not be counted: ${failed}`, failed };
    return { rowCount: null, rowCountNote: `its rows could not be counted: ${failed}${CORRUPT_HINT}` };
  }
}

function countSteps(db: Database.Database, table: string, schema: string, until: number, cap: number): RowCount {
  const target = `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
  const key = rowidName(db, table, schema);
  let counted = 0;
  let last: bigint | undefined;
  const started = performance.now();
  for (;;) {
    const step = key === undefined ? cap + 1 : Math.min(STEP_ROWS, cap + 1 - counted);
    const from = key === undefined ? target : `${target}${last === undefined ? "" : ` WHERE ${key} > ?`}`;
    const order = key === undefined ? "" : ` ORDER BY ${key}`;
    const row = db
      .prepare(`SELECT count(*) AS n, max(k) AS k FROM (SELECT ${key ?? "1"} AS k FROM ${from}${order} LIMIT ${step})`)
      .safeIntegers(true)
      .get(...(last === undefined ? [] : [last])) as { n: bigint; k: bigint | null };
    counted += Number(row.n);
    if (counted > cap) return capped(cap, target);
    if (key === undefined || Number(row.n) < step || row.k === null) return { rowCount: counted };
    last = row.k;
    if (performance.now() > until) return stopped(counted, performance.now() - started, target);
  }
}

function capped(cap: number, target: string): RowCount {
  return {
    rowCount: `more than ${cap}`,
    rowCountNote: `counting stops at ${cap} rows; execute_query with SELECT count(*) FROM ${target} counts them all, reading the whole table`,
  };
}

function stopped(counted: number, ms: number, target: string): RowCount {
  return {
    rowCount: `at least ${counted}`,
    rowCountNote: `counting stopped after ${Math.round(ms)} ms, at ${counted} rows; execute_query with SELECT count(*) FROM ${target} counts them all, reading the whole table`,
  };
}

/**
 * The name that reaches a rowid table's rowid (a column may take the name `rowid`, and then `_rowid_` or `oid`
 * still reaches it), or undefined for a WITHOUT ROWID or virtual table, or one whose columns take all three.
 */
function rowidName(db: Database.Database, table: string, schema: string): string | undefined {
  const sql = db
    .prepare(`SELECT sql FROM ${quoteIdentifier(schema)}.sqlite_schema WHERE type = 'table' AND name = ?`)
    .pluck()
    .get(table);
  // A virtual table may not keep its rows in rowid order: each step could scan and sort all of them.
  if (typeof sql !== "string" || /^\s*CREATE\s+VIRTUAL\b/i.test(sql)) return undefined;
  const columns = new Set(
    (db.prepare("SELECT name FROM pragma_table_xinfo(?, ?)").pluck().all(table, schema) as string[]).map((c) =>
      c.toLowerCase(),
    ),
  );
  const name = ["rowid", "_rowid_", "oid"].find((n) => !columns.has(n));
  if (name === undefined) return undefined;
  try {
    db.prepare(`SELECT ${name} FROM ${quoteIdentifier(schema)}.${quoteIdentifier(table)} LIMIT 0`);
    return name;
  } catch {
    return undefined; // WITHOUT ROWID
  }
}
