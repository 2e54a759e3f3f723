import type Database from "better-sqlite3";
import { describeTable } from "./catalog.js";
import type { Deadline, Limits } from "./engine-request.js";
import { countUntil } from "./row-count.js";
import { collect } from "./rows.js";
import { quoteIdentifier } from "./table-name.js";
import { ToolError } from "./tool-error.js";

/** Rows a table's resource shows (fewer when the row cap is lower, or the response cap is reached first). */
export const SAMPLE_ROWS = 20;

/**
 * One table or view as its resource shows it: describe_table's account (columns, indexes, foreign keys, row count,
 * CREATE statement) and its first rows, which get what is left of the response cap after the description.
 */
export function tableContent(
  db: Database.Database,
  table: string,
  limits: Limits,
  deadline?: Deadline,
): Record<string, unknown> {
  const description = describeTable(db, table, limits, countUntil(limits.countMs, deadline?.at));
  const name = description.name as string;
  // The reply's own keys and collect's note are counted loosely, as budgetFor does for a query.
  const bytes = limits.maxBytes - Buffer.byteLength(JSON.stringify(description)) - 700;
  const database = typeof description.database === "string" ? `${quoteIdentifier(description.database)}.` : "";
  const sql = `SELECT * FROM ${database}${quoteIdentifier(name)} LIMIT ${SAMPLE_ROWS}`;
  const omitted = (why: string) => ({
    ...description,
    firstRows: null,
    note: `${why}; execute_query with ${sql} shows them`,
  });
  // A virtual table whose module SQLite lacks has no rows to read: describeTable's moduleNote says why.
  if (typeof description.moduleNote === "string" && description.moduleNote.startsWith("no such module:")) {
    return { ...description, firstRows: null };
  }
  if (bytes <= 0) return omitted(`no first rows: the description fills the ${limits.maxBytes}-byte response cap`);
  try {
    const rows = collect(
      db.prepare(sql),
      [],
      sql,
      { rows: Math.min(SAMPLE_ROWS, limits.maxRows), bytes },
      limits,
      deadline,
    );
    return { ...description, firstRows: rows };
  } catch (error) {
    // A view over a dropped table, or column names past the cap: the description still stands.
    if (error instanceof ToolError) return omitted(`no first rows: ${error.message}`);
    throw error;
  }
}
