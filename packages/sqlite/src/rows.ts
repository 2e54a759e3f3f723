import type Database from "better-sqlite3";
import { stoppedCheckNote } from "./damage-check.js";
import type { Deadline, Limits } from "./engine-request.js";
import { timeoutMessage } from "./limit-messages.js";
import { capName, jsonSize } from "./reply-cap.js";
import { failedOnSearchText } from "./search-text.js";
import { snippet, sqlFailure } from "./sql-failure.js";
import { ToolError } from "./tool-error.js";
import { toJsonValue } from "./values.js";

/** Rows as returned to the model. */
export interface RowSet {
  columns: string[];
  rows: unknown[][];
  rowCount: number;
  truncated?: true;
  total?: number;
  totalIsLowerBound?: true;
  note?: string;
}

/** Bytes and rows still allowed in one reply. */
export interface Budget {
  rows: number;
  bytes: number;
}

export function budgetFor(limits: Limits): Budget {
  // Room for the reply's own keys, the note and the column list, which are counted loosely.
  return { rows: limits.maxRows, bytes: Math.max(0, limits.maxBytes - 600) };
}

/** Step through a statement's rows into JSON, within the row and byte budget; past it, keep counting for a while. */
export function collect(
  stmt: Database.Statement,
  args: unknown[],
  sql: string,
  budget: Budget,
  limits: Limits,
  deadline?: Deadline,
): RowSet {
  let iterator: IterableIterator<unknown[]>;
  const named = columnNames(stmt, sql, limits);
  // Checked before iterate(), which holds the connection until its rows are read. Names too long for any reply
  // refuse the statement; names that only pass what is left of a transaction's reply leave its rows out.
  const namesSize = jsonSize(named);
  const room = budgetFor(limits).bytes;
  if (namesSize > room) {
    throw new ToolError(
      `the ${named.length} column names alone take ${namesSize} bytes, more than the ${room} bytes of rows a reply can hold under the ${capName(limits)}; select fewer columns or name them briefly with AS. Statement: ${snippet(sql)}`,
      { refusal: "size" },
    );
  }
  try {
    iterator = stmt
      .raw(true)
      .safeIntegers(true)
      .iterate(...args) as IterableIterator<unknown[]>;
  } catch (error) {
    throw sqlFailure(error, sql, limits);
  }
  const rows: unknown[][] = [];
  let total = 0;
  let cut: "rows" | "bytes" | undefined = namesSize > budget.bytes ? "bytes" : undefined;
  budget.bytes = Math.max(0, budget.bytes - namesSize);
  let countUntil = performance.now() + limits.countMs; // reset when the cut comes later
  let lowerBound = false;
  let stopped: string | undefined;
  try {
    for (const raw of iterator) {
      total++;
      if ((total & 255) === 0 && deadline !== undefined && performance.now() > deadline.at) {
        throw new ToolError(timeoutMessage(deadline.ms, false, deadline.setting), { refusal: "timeout" });
      }
      if (cut === undefined) {
        if (rows.length >= budget.rows) cut = "rows";
        // A cell far past the budget (a 100 MB BLOB) is not worth encoding just to find it does not fit.
        else if (lowerSize(raw) > budget.bytes) cut = "bytes";
        else {
          const row = raw.map(toJsonValue);
          const size = jsonSize(row) + 1;
          if (size <= budget.bytes) {
            rows.push(row);
            budget.bytes -= size;
            continue;
          }
          cut = "bytes";
        }
        countUntil = performance.now() + limits.countMs;
      } else if ((total & 255) === 0 && performance.now() > countUntil) {
        lowerBound = true;
        break; // leaving the loop resets the statement
      }
    }
  } catch (error) {
    if (error instanceof ToolError) throw error;
    stopped = stoppedCheckNote(error, named, total);
    if (stopped === undefined) throw sqlFailure(error, sql, { ...limits, searchText: failedOnSearchText(error, stmt) });
  }
  // A kept statement is recompiled by SQLite, after a schema change here or in another process, only as it steps:
  // the names read before may be stale, and only those read now belong to the rows.
  const columns = columnNames(stmt, sql, limits);
  const grown = jsonSize(columns) - namesSize;
  if (grown !== 0) {
    budget.bytes -= grown;
    while (budget.bytes < 0 && rows.length > 0) {
      budget.bytes += jsonSize(rows.pop()) + 1;
      cut = "bytes";
    }
    budget.bytes = Math.max(0, budget.bytes);
  }
  budget.rows -= rows.length;
  const set: RowSet = { columns, rows, rowCount: rows.length, ...(stopped ? { note: stopped } : {}) };
  if (cut === undefined || total === rows.length) return set;
  const of = `${rows.length} of ${lowerBound ? "at least " : ""}${total} rows`;
  const note =
    cut === "rows"
      ? `showing ${of} (row cap ${limits.maxRows}${limits.maxRowsSetting ? `, set by ${limits.maxRowsSetting}` : ""}); ${pagingHint(rows.length, total, lowerBound)}, or narrow with WHERE`
      : `showing ${of}: the next row would pass the ${capName(limits)}; select fewer or shorter columns (e.g. substr(col, 1, 200)), or ${pagingHint(rows.length, total, lowerBound)}`;
  return {
    ...set,
    truncated: true,
    total,
    ...(lowerBound ? { totalIsLowerBound: true as const } : {}),
    note: stopped ? `${note}. ${stopped}` : note,
  };
}

/** Pages past this many call for keyset paging: each OFFSET page re-runs and re-sorts every row before it. */
const OFFSET_PAGES = 10;

/**
 * How to page through `total` rows `shown` at a time. Pages hold together only under ORDER BY a unique key; past a
 * few pages, keyset paging on that key (WHERE key > last) instead of OFFSET, which re-reads every row it skips.
 */
export function pagingHint(shown: number, total: number, lowerBound = false): string {
  const size = Math.max(shown, 1);
  if (!lowerBound && total <= size * OFFSET_PAGES) {
    return "page with LIMIT/OFFSET under ORDER BY a unique key (without one, pages can skip or repeat rows)";
  }
  return `page by a unique key: WHERE key > :last ORDER BY key LIMIT ${size}, where :last is the page's last key (OFFSET re-reads every row it skips)`;
}

/**
 * The note for RETURNING rows cut after a write: the change is made, so paging or narrowing the statement would
 * run it again; the rows are to be read back instead.
 */
export function writtenNote(set: RowSet, changes: number, limits: Limits): string {
  const of = `${set.rowCount} of ${set.totalIsLowerBound ? "at least " : ""}${set.total ?? set.rowCount}`;
  const cap = set.note?.includes("row cap")
    ? `row cap ${limits.maxRows}${limits.maxRowsSetting ? `, set by ${limits.maxRowsSetting}` : ""}`
    : `the ${capName(limits)}`;
  if (changes === 0) {
    return `only the rows it returned were cut, to ${of} (${cap}), and it changed no rows: page through them with execute_query (LIMIT/OFFSET)`;
  }
  return `the statement already ran and changed ${changes} rows; only the rows it returned were cut, to ${of} (${cap}). Do not run it again: read rows it inserted or updated back with execute_query; rows it deleted are gone, so next time return fewer or shorter columns (RETURNING id)`;
}

function columnNames(stmt: Database.Statement, sql: string, limits: Limits): string[] {
  try {
    return stmt.columns().map((c) => c.name);
  } catch (error) {
    throw sqlFailure(error, sql, limits);
  }
}

/** A lower bound on a raw row's JSON size, without encoding it. */
function lowerSize(raw: unknown[]): number {
  let size = 0;
  for (const cell of raw) {
    if (typeof cell === "string") size += cell.length;
    else if (cell instanceof Uint8Array) size += Math.ceil(cell.byteLength / 3) * 4;
  }
  return size;
}
