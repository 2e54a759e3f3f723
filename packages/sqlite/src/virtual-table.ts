import type Database from "better-sqlite3";

/**
 * A virtual table is queried by the rules of its module, not as rows on pages: an FTS5 table answers MATCH, an R*Tree
 * range WHEREs. PRAGMA table_list calls them all "virtual" and sqlite_schema "table", so the module is read from the
 * CREATE VIRTUAL TABLE statement, which names it. A module only the program that made the file has (sqlite-vec's
 * vec0, spellfix1) leaves the table unreadable here: every statement that names it fails "no such module".
 */

/**
 * SQLite stores "CREATE VIRTUAL TABLE name USING module(args)", the name as typed: bare, or quoted with "", [], `` or
 * '' (a doubled quote inside standing for one).
 */
const CREATE_VIRTUAL =
  /^\s*CREATE\s+VIRTUAL\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:(?:"(?:[^"]|"")*"|\[[^\]]*\]|`(?:[^`]|``)*`|'(?:[^']|'')*'|[^\s.("'`[]+)\s*\.\s*)?(?:"(?:[^"]|"")*"|\[[^\]]*\]|`(?:[^`]|``)*`|'(?:[^']|'')*'|[^\s("'`[]+)\s+USING\s+("(?:[^"]|"")*"|[^\s(]+)/i;

/** The module a CREATE VIRTUAL TABLE statement names (fts5, rtree, vec0), or undefined for any other statement. Pure. */
export function virtualModule(sql: unknown): string | undefined {
  if (typeof sql !== "string") return undefined;
  const module = CREATE_VIRTUAL.exec(sql)?.[1];
  if (module === undefined) return undefined;
  return module.startsWith('"') ? module.slice(1, -1).replaceAll('""', '"') : module;
}

/** Whether this connection's SQLite has `module` (module names are matched without regard to case, as SQLite does). */
export function hasModule(db: Database.Database, module: string): boolean {
  return db.prepare("SELECT 1 FROM pragma_module_list WHERE name = ? COLLATE NOCASE").get(module) !== undefined;
}

/** Why a table of a `module` this server's SQLite lacks has no columns, rows or count here, and what is left. Pure. */
export function missingModuleNote(module: string): string {
  return `no such module: ${module} — a virtual table of a module (an extension) that the program which made this file loads and this server's SQLite does not have, so no statement can read it; its CREATE statement (sql) is all that can be seen`;
}

/** How to query a table of `module` named `table`, for the modules SQLite ships whose use differs from a table's. Pure. */
export function moduleNote(module: string, table: string): string | undefined {
  const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(table) ? table : `"${table.replaceAll('"', '""')}"`;
  switch (module.toLowerCase()) {
    case "fts5":
      return `full-text index (FTS5): search it with WHERE ${name} MATCH 'words' (a "phrase", pre*, AND, OR, NOT), best first with ORDER BY rank; highlight() and snippet() mark the hits`;
    case "fts4":
    case "fts3":
      return `full-text index (${module.toUpperCase()}): search it with WHERE ${name} MATCH 'words' (a "phrase", pre*, AND, OR, NOT); snippet() marks the hits; it has no rank column`;
    case "rtree":
    case "rtree_i32":
      return "R*Tree index of boxes: find them with range WHEREs on its bounds (minX <= ? AND maxX >= ? …); it holds the id and the bounds only";
    case "geopoly":
      return "Geopoly index of polygons (_shape): search it with WHERE geopoly_overlap(_shape, ?) or geopoly_within(_shape, ?)";
    case "fts5vocab":
      return "the vocabulary of an FTS5 table: one row per term, with the documents and rows it is in";
    default:
      return undefined;
  }
}
