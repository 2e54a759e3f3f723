import type Database from "better-sqlite3";
import { quoteIdentifier } from "./table-name.js";

/**
 * A column's collation decides how it compares and sorts: `email TEXT COLLATE NOCASE` makes `email = 'A@X.COM'` match
 * a@x.com and a UNIQUE on it case-blind. No pragma tells it, so SQLite is asked to sort by the column and the sorter
 * its program opens is read: EXPLAIN's P4 names the key's collation (`k(1,NOCASE)`, `k(1,B)` for BINARY). The unary
 * + keeps the column's collation (SQLite's rule) and keeps an index from doing the sort. A view gets the collation of
 * the expression under each column. One EXPLAIN per column: 500 columns take about 80 ms.
 */

/** A key as EXPLAIN shows it: the number of fields, then the first's collation, after - (DESC) and N. (NULLS LAST). */
const KEY_INFO = /^k\(\d+,-?(?:N\.)?(.*)\)$/s;

/**
 * The collation of `column` of `schema`.`table` (a table or view), or undefined when it is BINARY or cannot be told
 * (a view whose own query sorts, so that its program has more than one sorter). A collation only the program that
 * made the file registers is still named, from SQLite's "no such collation sequence".
 */
export function columnCollation(
  db: Database.Database,
  schema: string,
  table: string,
  column: string,
): string | undefined {
  const sql = `EXPLAIN SELECT 1 FROM ${quoteIdentifier(schema)}.${quoteIdentifier(table)} ORDER BY +${quoteIdentifier(column)}`;
  let keys: string[];
  try {
    keys = (db.prepare(sql).all() as { opcode: string; p4: unknown }[])
      .filter((op) => (op.opcode === "SorterOpen" || op.opcode === "OpenEphemeral") && typeof op.p4 === "string")
      .map((op) => op.p4 as string);
  } catch (error) {
    const missing = /^no such collation sequence: (.*)$/s.exec(error instanceof Error ? error.message : "");
    return missing?.[1];
  }
  if (keys.length !== 1) return undefined;
  const collation = KEY_INFO.exec(keys[0] as string)?.[1];
  return collation === undefined || collation === "B" || collation === "BINARY" ? undefined : collation;
}
