import type Database from "better-sqlite3";
import { columnCollation } from "./column-collations.js";
import { countRows } from "./row-count.js";
import type { PolicyOptions } from "./sql-policy.js";
import { planTableList, SHADOW_TABLES, tableListNote, USER_OBJECTS } from "./table-list.js";
import { findTable } from "./table-lookup.js";
import { quoteIdentifier } from "./table-name.js";
import { hasModule, missingModuleNote, moduleNote, virtualModule } from "./virtual-table.js";

/**
 * The schema, read with SQLite's own table-valued pragmas. Table names are always bound as
 * parameters; the one place a name must be spelled in SQL (the row count, row-count.ts) quotes the
 * canonical name SQLite itself returned.
 */

/** A column as list_tables shows it. */
export interface ColumnSummary {
  name: string;
  type: string;
  primaryKey?: true;
  generated?: GeneratedKind;
}

/** How a generated column's value is kept: computed when read (virtual) or when the row is written (stored). */
export type GeneratedKind = "virtual" | "stored";

/**
 * What pragma_table_xinfo's `hidden` says of a column: 1 is a virtual table's hidden column (left out of SELECT *),
 * 2 and 3 a generated column (VIRTUAL, STORED), which SELECT * returns like any other.
 */
export function columnKind(hidden: number): { hidden?: true; generated?: GeneratedKind } {
  if (hidden === 1) return { hidden: true };
  if (hidden === 2) return { generated: "virtual" };
  if (hidden === 3) return { generated: "stored" };
  return {};
}

/**
 * Tables and views with the columns SELECT * returns (generated ones marked), within `maxBytes` of JSON: when not all
 * fit, the rest are named in `more` (table-list.ts decides how much of each).
 */
export function listTables(db: Database.Database, maxBytes: number): Record<string, unknown> {
  const objects = db.prepare(`SELECT name, type, sql FROM sqlite_schema WHERE ${USER_OBJECTS} ORDER BY name`).all() as {
    name: string;
    type: string;
    sql: string | null;
  }[];
  // table_xinfo, not table_info: table_info leaves out generated columns, which SELECT * returns.
  const columnsOf = db.prepare("SELECT name, type, pk, hidden FROM pragma_table_xinfo(?) WHERE hidden <> 1");
  const tables: TableEntry[] = [];
  const sizes: number[] = [];
  // Room for the entries: the cap less the keys and the note around them.
  const room = maxBytes - LIST_OVERHEAD;
  let bytes = 0;
  for (const { name, type, sql } of objects) {
    if (bytes > room) break;
    const entry = tableEntry(db, columnsOf, { name, type, module: virtualModule(sql) });
    const size = Buffer.byteLength(JSON.stringify(entry)) + 1;
    bytes += size;
    tables.push(entry);
    sizes.push(size);
  }
  const names = objects.map((o) => o.name);
  const plan = planTableList(names, sizes, room);
  if (plan.detailed === objects.length) return { tables };
  return {
    tables: tables.slice(0, plan.detailed),
    more: names.slice(plan.detailed, plan.detailed + plan.named),
    truncated: true,
    note: tableListNote(plan, objects.length, maxBytes),
  };
}

/** Bytes of list_tables' reply besides its entries and names: the keys, and the note at its longest. */
const LIST_OVERHEAD = 600;

/** A table or view as list_tables shows it. */
interface TableEntry {
  name: string;
  type: string;
  /** A virtual table's module (fts5, rtree, …). */
  module?: string;
  columns: ColumnSummary[];
  error?: string;
}

function tableEntry(
  db: Database.Database,
  columnsOf: Database.Statement,
  object: { name: string; type: string; module: string | undefined },
): TableEntry {
  const { name, type, module } = object;
  const kind = { name, type, ...(module === undefined ? {} : { module }) };
  if (module !== undefined && !hasModule(db, module)) return { ...kind, columns: [], error: missingModuleNote(module) };
  try {
    const rows = columnsOf.all(name) as { name: string; type: string; pk: number; hidden: number }[];
    const columns = rows.map(
      (c): ColumnSummary => ({
        name: c.name,
        type: c.type,
        ...(c.pk > 0 ? { primaryKey: true as const } : {}),
        ...columnKind(c.hidden),
      }),
    );
    return { ...kind, columns };
  } catch (error) {
    // A view over a dropped table cannot list its columns; say so instead of failing the whole list.
    return { ...kind, columns: [], error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Columns, keys, indexes, foreign keys, triggers, row count and DDL of one table or view, named as findTable reads
 * it (users, "my table", main.users); what is not found is told in terms of what the server `offers`. The count stops at
 * MAX_COUNTED_ROWS or once `countUntil` (performance.now() clock) passes, whichever comes first.
 */
export function describeTable(
  db: Database.Database,
  table: string,
  offers: PolicyOptions,
  countUntil = Number.POSITIVE_INFINITY,
): Record<string, unknown> {
  const found = findTable(db, table, offers);
  const { name, schema } = found;
  const catalog = `${quoteIdentifier(schema)}.sqlite_schema`;
  // Another database (one a caller's own handle attached, or temp) is named; main, the one the tools read, is not.
  const database = schema === "main" ? {} : { database: schema };
  const module = virtualModule(found.sql);
  if (module !== undefined && !hasModule(db, module)) {
    // Nothing but its CREATE statement can be read: every pragma and count of it fails "no such module".
    const moduleNote = missingModuleNote(module);
    const lists = { columns: [], indexes: [], foreignKeys: [], triggers: [] };
    return { name, ...database, type: found.type, module, moduleNote, ...lists, rowCount: null, sql: found.sql };
  }
  const note = module === undefined ? undefined : moduleNote(module, name);
  const virtual = { ...(module === undefined ? {} : { module }), ...(note === undefined ? {} : { moduleNote: note }) };
  const columns = (
    db
      .prepare(`SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?, ?)`)
      .all(name, schema) as {
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
      hidden: number;
    }[]
  ).map((c) => ({
    name: c.name,
    type: c.type,
    notNull: c.notnull === 1,
    default: c.dflt_value,
    primaryKey: c.pk,
    ...collationOf(db, schema, name, c.name),
    ...columnKind(c.hidden),
  }));
  const indexColumns = db.prepare("SELECT name FROM pragma_index_info(?, ?) ORDER BY seqno").pluck();
  // Whether an index sorts a column otherwise than the column does (its own COLLATE, or DESC): then `ORDER BY column`
  // or `column = ?` may not use it, and only its CREATE INDEX says so.
  const collations = new Map(columns.map((c) => [c.name, c.collation ?? "BINARY"]));
  const keysOf = db.prepare(`SELECT name, "desc", coll FROM pragma_index_xinfo(?, ?) WHERE key = 1 AND cid >= 0`);
  const ownOrder = (index: string) =>
    (keysOf.all(index, schema) as { name: string; desc: number; coll: string }[]).some(
      (k) => k.desc === 1 || k.coll.toUpperCase() !== (collations.get(k.name) ?? "BINARY").toUpperCase(),
    );
  const indexSql = db.prepare(`SELECT sql FROM ${catalog} WHERE type = 'index' AND name = ?`).pluck();
  const indexes = (
    db.prepare(`SELECT name, "unique", origin, partial FROM pragma_index_list(?, ?)`).all(name, schema) as {
      name: string;
      unique: number;
      origin: string;
      partial: number;
    }[]
  ).map((i) => {
    const columns = indexColumns.all(i.name, schema) as (string | null)[];
    // An expression's column is null, a partial index's WHERE and an index's own order are nowhere else: its SQL says.
    const sql = i.partial === 1 || columns.includes(null) || ownOrder(i.name) ? indexSql.get(i.name) : undefined;
    return {
      name: i.name,
      columns,
      unique: i.unique === 1,
      origin: i.origin === "pk" ? "primary key" : i.origin === "u" ? "unique constraint" : "create index",
      partial: i.partial === 1,
      ...(typeof sql === "string" ? { sql } : {}),
    };
  });
  const foreignKeys = (
    db
      .prepare(`SELECT "from", "table", "to", on_update, on_delete FROM pragma_foreign_key_list(?, ?)`)
      .all(name, schema) as {
      from: string;
      table: string;
      to: string | null;
      on_update: string;
      on_delete: string;
    }[]
  ).map((f) => ({ from: f.from, table: f.table, to: f.to, onUpdate: f.on_update, onDelete: f.on_delete }));
  // A trigger changes what a write to the table (or view: INSTEAD OF) does, beyond the changes a write reports.
  const triggers = db
    .prepare(`SELECT name, sql FROM ${catalog} WHERE type = 'trigger' AND tbl_name = ? ORDER BY name`)
    .all(name) as { name: string; sql: string }[];
  // A view's count runs its whole query, so only tables are counted; a table's, bounded (row-count.ts).
  const { failed: _, ...count } = found.type === "table" ? countRows(db, name, schema, countUntil) : { rowCount: null };
  return {
    name,
    ...database,
    type: found.type,
    ...virtual,
    columns,
    indexes,
    foreignKeys,
    triggers,
    ...count,
    sql: found.sql,
  };
}

/** `{ collation }` of a column whose collation is not BINARY (column-collations.ts), else nothing. */
function collationOf(db: Database.Database, schema: string, table: string, column: string): { collation?: string } {
  const collation = columnCollation(db, schema, table, column);
  return collation === undefined ? {} : { collation };
}

/** Every CREATE statement in the database but those of shadow tables (table-list.ts), in a stable order. */
export function schemaText(db: Database.Database): string {
  const statements = db
    .prepare(`SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
      AND tbl_name NOT IN (${SHADOW_TABLES}) ORDER BY tbl_name, type = 'table' DESC, name`)
    .pluck()
    .all() as string[];
  return statements.length ? `${statements.join(";\n\n")};\n` : "-- the database has no tables yet\n";
}
