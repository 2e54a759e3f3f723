import type Database from "better-sqlite3";
import { type Loss, type LossStep, lossesOf } from "./loss-policy.js";
import { quoteIdentifier } from "./table-name.js";

/**
 * Naming what a statement would destroy, for the question put to the user: the object and, for a table, the rows
 * in it right now (counted on the connection about to run it, so inside a transaction after the statements before).
 */

/** Thrown when a statement would destroy what the user has not accepted: the request is not done, nothing changed. */
export class ConfirmationNeeded extends Error {
  override name = "ConfirmationNeeded";
  constructor(readonly losses: string[]) {
    super(`needs the user's confirmation first: it would destroy ${losses.join("; ")}`);
  }
}

/**
 * What `sql` would destroy, as phrases like `table "items" and its 3 rows`; empty when nothing. `program` is its
 * program when already listed on `db`, else it is listed here.
 */
export function lossesFor(db: Database.Database, sql: string, args: unknown[], program?: LossStep[]): string[] {
  return lossesOf(program ?? programOf(db, sql, args)).map((loss) => describe(db, loss));
}

/** The compiled program of `sql`, as `EXPLAIN` lists it on `db`. */
export function programOf(db: Database.Database, sql: string, args: unknown[]): LossStep[] {
  // Prepared afresh, never cached: see factsOf on kept EXPLAIN statements.
  return db.prepare(`EXPLAIN ${sql}`).all(...args) as LossStep[];
}

function describe(db: Database.Database, loss: Loss): string {
  const schema = db.prepare("SELECT name FROM pragma_database_list WHERE seq = ?").pluck().get(loss.db) as
    | string
    | undefined;
  const prefix = schema === undefined || schema === "main" ? "" : `${schema}.`;
  const catalog = `${quoteIdentifier(schema ?? "main")}.sqlite_schema`;
  if (loss.kind === "clear" || loss.kind === "replace") {
    const name = db
      .prepare(`SELECT name FROM ${catalog} WHERE type = 'table' AND rootpage = ?`)
      .pluck()
      .get(loss.rootPage);
    const table =
      typeof name === "string" ? `table ${prefix}${JSON.stringify(name)}` : `a table (root page ${loss.rootPage})`;
    if (loss.kind === "replace") return `any row of ${table} whose key a new row repeats (REPLACE overwrites it)`;
    if (typeof name !== "string") return `every row of a table (root page ${loss.rootPage})`;
    return `every row of ${table} (${rows(db, schema, name)})`;
  }
  const shown = `${prefix}${JSON.stringify(loss.name)}`;
  if (loss.kind === "drop-index") return `index ${shown}`;
  if (loss.kind === "drop-trigger") return `trigger ${shown}`;
  const type = db
    .prepare(`SELECT type FROM ${catalog} WHERE name = ? AND type IN ('table', 'view')`)
    .pluck()
    .get(loss.name);
  if (type === "view") return `view ${shown}`;
  return `table ${shown} and its ${rows(db, schema, loss.name)}`;
}

function rows(db: Database.Database, schema: string | undefined, table: string): string {
  const count = db
    .prepare(`SELECT count(*) FROM ${quoteIdentifier(schema ?? "main")}.${quoteIdentifier(table)}`)
    .pluck()
    .get() as number;
  return count === 1 ? "1 row" : `${count} rows`;
}
