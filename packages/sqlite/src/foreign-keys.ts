import type Database from "better-sqlite3";
import { settingPragma } from "./sql-shape.js";
import { ToolError } from "./tool-error.js";

/**
 * SQLite takes PRAGMA foreign_keys only outside a transaction; inside one it is a no-op. So the classic table rebuild
 * (foreign_keys = OFF, create, copy, DROP TABLE, rename) sent as one execute_transaction ran with the keys on, and the
 * DROP cascaded: every child row of an ON DELETE CASCADE key was deleted, and the reply said it succeeded. Instead,
 * a transaction's first statement, when it sets foreign_keys, is applied before BEGIN; keys that were on are checked
 * (foreign_key_check) before COMMIT, and the setting is put back afterwards, always: the writer is shared by every call
 * and client. A last statement setting it (the recipe ends with foreign_keys = ON) runs after COMMIT, and is then
 * undone like the first. One anywhere else is refused.
 */

/** Does `sql` set PRAGMA foreign_keys (a name with something after it; not under EXPLAIN)? */
export function setsForeignKeys(sql: string): boolean {
  return settingPragma(sql)?.name === "foreign_keys";
}

/** The refusal for a `PRAGMA foreign_keys = …` that is not a transaction's first statement. */
export function foreignKeysMidTransaction(): ToolError {
  return new ToolError(
    "PRAGMA foreign_keys changes nothing inside a transaction (SQLite ignores it there), so later statements would still enforce or ignore the keys as before; make it the first statement, which execute_transaction applies before the transaction begins and undoes after it (a last one, after a first, runs after the commit; the server's setting is put back either way)",
    { refusal: "sql_policy" },
  );
}

/** Are foreign keys enforced on `db` now? */
export function foreignKeysOn(db: Database.Database): boolean {
  return Number(db.pragma("foreign_keys", { simple: true })) === 1;
}

/** Put the setting back as it was before the transaction. */
export function restoreForeignKeys(db: Database.Database, on: boolean): void {
  db.pragma(`foreign_keys = ${on ? "ON" : "OFF"}`);
}

/** Refuse to commit rows whose foreign keys the transaction broke while the keys were off. */
export function checkForeignKeys(db: Database.Database): void {
  const broken = db.prepare("SELECT * FROM pragma_foreign_key_check LIMIT 3").all() as {
    table: string;
    rowid: number | null;
    parent: string;
  }[];
  if (broken.length === 0) return;
  const count = db.prepare("SELECT count(*) FROM pragma_foreign_key_check").pluck().get() as number;
  const shown = broken.map((row) => `${row.table} rowid ${row.rowid ?? "?"} → ${row.parent}`).join(", ");
  throw new ToolError(
    `with foreign keys off, the statements left ${count} row(s) whose key has no parent (${shown}${count > broken.length ? ", …" : ""}), so the transaction was rolled back and nothing was applied; fix or delete those rows within the transaction (PRAGMA foreign_key_check lists them)`,
  );
}
