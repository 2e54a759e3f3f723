import type Database from "better-sqlite3";
import { countRows } from "./row-count.js";
import { USER_OBJECTS } from "./table-list.js";
import { hasModule, virtualModule } from "./virtual-table.js";

/**
 * The names of tables and views, for the resource list, completions and the prompts: bounded, in name order, the
 * prefix matched without regard to case (in JavaScript, so beyond ASCII too; SQLite's LIKE folds ASCII only).
 */

/**
 * A table or view by name, with its row count when asked for (null for a view: counting runs its whole query), which
 * stops at MAX_COUNTED_ROWS ("more than 1000000") or once the time budget has passed ("at least N").
 */
export interface NamedObject {
  name: string;
  type: "table" | "view";
  rowCount?: number | string | null;
  /** Why a table's rowCount is null when not for damaged pages: its module is not in this server's SQLite. */
  uncounted?: string;
}

/** Which names to list. */
export interface NameQuery {
  prefix?: string;
  /** Only names after this one (in name order): the resource list's next page. */
  after?: string;
  limit: number;
  counts?: boolean;
}

/** Up to `limit` tables and views whose names start with `prefix`; `more` when others were left out. */
export function tableNames(
  db: Database.Database,
  query: NameQuery,
  countUntil?: number,
): { tables: NamedObject[]; more: boolean } {
  const prefix = (query.prefix ?? "").toLowerCase();
  const after = query.after === undefined ? "" : "AND name > ?";
  const rows = db
    .prepare(`SELECT name, type FROM sqlite_schema WHERE ${USER_OBJECTS} ${after} ORDER BY name`)
    .iterate(...(query.after === undefined ? [] : [query.after])) as IterableIterator<NamedObject>;
  const tables: NamedObject[] = [];
  for (const row of rows) {
    if (!row.name.toLowerCase().startsWith(prefix)) continue;
    if (tables.length === query.limit) {
      rows.return?.();
      return { tables: withCounts(db, tables, query.counts, countUntil), more: true };
    }
    tables.push({ name: row.name, type: row.type });
  }
  return { tables: withCounts(db, tables, query.counts, countUntil), more: false };
}

function withCounts(db: Database.Database, tables: NamedObject[], counts = false, until?: number): NamedObject[] {
  if (!counts) return tables;
  const sqlOf = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?").pluck();
  // One budget for them all: each count is bounded (row-count.ts), and so is the time they take together.
  return tables.map((t) => {
    if (t.type === "view") return { ...t, rowCount: null };
    const module = virtualModule(sqlOf.get(t.name));
    if (module !== undefined && !hasModule(db, module)) {
      return {
        ...t,
        rowCount: null,
        uncounted: `a virtual table of module ${module}, which this server's SQLite lacks`,
      };
    }
    const { rowCount, failed } = countRows(db, t.name, "main", until);
    return { ...t, rowCount, ...(failed ? { uncounted: `reading it fails: ${failed}` } : {}) };
  });
}

/** SQLite's schema cookie: it changes with every CREATE, DROP and ALTER, from any connection. */
export function schemaVersion(db: Database.Database): number {
  return Number(db.pragma("schema_version", { simple: true }));
}
