import type Database from "better-sqlite3";
import { type LossStep, mainProgram } from "./loss-policy.js";
import { sqliteCodeOf } from "./sqlite-code.js";
import { ToolError } from "./tool-error.js";

/**
 * SQLite's "FOREIGN KEY constraint failed" names no table, column or row, and describe_table shows only the keys a
 * table declares, not those that reference it: a model deleting a customer whose orders cascade into order_items
 * could only guess. So a write failing that way is told the keys its tables take part in, following the keys whose
 * ON DELETE/UPDATE action changes child rows (which must then satisfy their own keys).
 */

/** What a COMMIT refused for a deferred key is told: SQLite names no key there either, and no statement is to blame. */
export const DEFERRED_KEY_HINT =
  " — a deferred foreign key (DEFERRABLE INITIALLY DEFERRED, or after PRAGMA defer_foreign_keys = ON) was still broken when the transaction ended: such a key is checked at COMMIT, not per statement, so by the last statement every child row's parent must exist (insert the parents in the same call, or delete the children); describe_table lists a table's foreign keys";

/** One foreign key, `child(from) → parent(to)`, as pragma_foreign_key_list gives it (one entry per key). */
export interface ForeignKey {
  child: string;
  from: string[];
  parent: string;
  /** The parent's columns; empty when the key names only the table (its primary key). */
  to: string[];
  onDelete: string;
  onUpdate: string;
}

/** Most keys a hint names; the rest are counted. */
const SHOWN = 12;

/** Actions that change the child rows, whose own keys then apply. */
const CHANGES_CHILDREN = new Set(["CASCADE", "SET NULL", "SET DEFAULT"]);

/**
 * The keys a write to `written` tables can break, in `keys` (every key of the schema), as the hint appended to
 * SQLite's message; "" when none touch those tables.
 */
export function foreignKeyHint(written: readonly string[], keys: readonly ForeignKey[]): string {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  // A written table's keys count both ways; a table reached through an action only as a parent, whose rows it changes.
  const reached = written.map((table) => ({ table, written: true }));
  const found: ForeignKey[] = [];
  for (let i = 0; i < reached.length; i++) {
    const { table, written: both } = reached[i] as { table: string; written: boolean };
    for (const key of keys) {
      if (found.includes(key) || !(same(key.parent, table) || (both && same(key.child, table)))) continue;
      found.push(key);
      const acts = CHANGES_CHILDREN.has(key.onDelete) || CHANGES_CHILDREN.has(key.onUpdate);
      if (acts && same(key.parent, table) && !reached.some((r) => same(r.table, key.child))) {
        reached.push({ table: key.child, written: false });
      }
    }
  }
  if (found.length === 0) return "";
  const shown = found.slice(0, SHOWN).map(describeKey).join("; ");
  const more = found.length > SHOWN ? `; and ${found.length - SHOWN} more (describe_table lists a table's keys)` : "";
  // The advice comes before the list, which is what a long message loses to the cut at 2000 characters.
  return ` — SQLite does not say which key failed. An inserted or changed row needs its parent row to exist; a parent row deleted or re-keyed must first lose its children under a key with no CASCADE or SET NULL action (delete or change them first, in the same execute_transaction), and the rows an action changes must satisfy their own keys. The keys of the tables it writes, and of those their actions change: ${shown}${more}`;
}

function describeKey(key: ForeignKey): string {
  const actions = [
    key.onDelete === "NO ACTION" ? "" : ` ON DELETE ${key.onDelete}`,
    key.onUpdate === "NO ACTION" ? "" : ` ON UPDATE ${key.onUpdate}`,
  ].join("");
  const to = key.to.length > 0 ? `(${key.to.join(", ")})` : "";
  return `${key.child}(${key.from.join(", ")}) → ${key.parent}${to}${actions}`;
}

/**
 * `error` with the foreign-key hint added when it is SQLite's foreign key failure of a statement whose `program` (its
 * EXPLAIN listing) ran on `db`; any other error, or one whose tables cannot be read, as it was.
 */
export function withForeignKeyHint(db: Database.Database, program: readonly LossStep[] | undefined, error: unknown) {
  if (!(error instanceof ToolError) || sqliteCodeOf(error) !== "SQLITE_CONSTRAINT_FOREIGNKEY" || !program) return error;
  try {
    const hint = foreignKeyHint(writtenTables(db, program), schemaKeys(db));
    return hint ? new ToolError(`${error.message}${hint}`, { cause: error.cause ?? error }) : error;
  } catch {
    return error; // the schema could not be read: SQLite's own message stands
  }
}

/** The main database's tables the program opens for writing (an index's table for an index). */
function writtenTables(db: Database.Database, program: readonly LossStep[]): string[] {
  const byRoot = db.prepare("SELECT tbl_name FROM main.sqlite_schema WHERE rootpage = ?").pluck();
  const tables: string[] = [];
  for (const step of mainProgram(program)) {
    if (step.opcode !== "OpenWrite" || step.p3 !== 0) continue;
    const name = byRoot.get(step.p2);
    if (typeof name === "string" && !tables.includes(name)) tables.push(name);
  }
  return tables;
}

/** Every foreign key of the main database's tables. */
function schemaKeys(db: Database.Database): ForeignKey[] {
  const rows = db
    .prepare(
      `SELECT m.name AS child, f.id, f."table" AS parent, f."from", f."to", f.on_delete, f.on_update
       FROM main.sqlite_schema m JOIN pragma_foreign_key_list(m.name, 'main') f
       WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq`,
    )
    .all() as {
    child: string;
    id: number;
    parent: string;
    from: string;
    to: string | null;
    on_delete: string;
    on_update: string;
  }[];
  const keys = new Map<string, ForeignKey>();
  for (const row of rows) {
    const id = `${row.child}\u0000${row.id}`;
    let key = keys.get(id);
    if (!key) {
      key = {
        child: row.child,
        from: [],
        parent: row.parent,
        to: [],
        onDelete: row.on_delete,
        onUpdate: row.on_update,
      };
      keys.set(id, key);
    }
    key.from.push(row.from);
    if (row.to !== null) key.to.push(row.to);
  }
  return [...keys.values()];
}
