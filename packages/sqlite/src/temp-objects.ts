import type Database from "better-sqlite3";
import type { StatementCache } from "./statement-cache.js";
import { quoteIdentifier } from "./table-name.js";
import { ToolError } from "./tool-error.js";

/**
 * TEMP tables, views, indexes and triggers live on the connection that made them. The write tools' connection is the
 * server's, kept across calls and shared by every client, while execute_query, list_tables and describe_table read on
 * another, and a restart of the executor drops them: a TEMP table would be written to and never seen, a TEMP trigger
 * would fire on every caller's writes unseen. So a write call may use them but must not leave any behind.
 */

/** One object of the temp schema. */
export interface TempObject {
  type: string;
  name: string;
}

/** The objects in the temp schema of `db` now, in creation order. */
export function tempObjects(cache: StatementCache, db: Database.Database): TempObject[] {
  return cache.prepare(db, "SELECT type, name FROM temp.sqlite_master ORDER BY rowid").all() as TempObject[];
}

/** The objects of `after` that were not in `before`. */
export function newTempObjects(before: readonly TempObject[], after: readonly TempObject[]): TempObject[] {
  const old = new Set(before.map(({ type, name }) => `${type}\u0000${name}`));
  return after.filter(({ type, name }) => !old.has(`${type}\u0000${name}`));
}

/** Drop `objects` from the temp schema: triggers and views first, then indexes, then tables. */
export function dropTempObjects(db: Database.Database, objects: readonly TempObject[]): void {
  const order = ["trigger", "view", "index", "table"];
  const sorted = [...objects].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
  for (const { type, name } of sorted) {
    if (!order.includes(type)) continue;
    db.exec(`DROP ${type.toUpperCase()} IF EXISTS temp.${quoteIdentifier(name)}`);
  }
}

/** The refusal for a call that would leave `objects` in the temp schema; `undone` says how nothing was kept. */
export function tempLeftError(objects: readonly TempObject[], undone: string): ToolError {
  const named = objects.map(({ type, name }) => `${type} ${JSON.stringify(name)}`).join(", ");
  return new ToolError(
    `TEMP ${named} would stay on this server's write connection, which every caller shares, where execute_query, list_tables and describe_table cannot see it and a restart drops it; ${undone}. Use a regular table (DROP it when done) or a WITH … CTE, or create, use and DROP the TEMP table within one execute_transaction`,
    { refusal: "sql_policy" },
  );
}
