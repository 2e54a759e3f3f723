/**
 * A table resource's JSON cut to the response cap and still JSON: the name, type and row count always; then as many
 * columns, indexes, foreign keys and triggers as fit, and as much of the CREATE statement; first rows only when all fits.
 * A `truncated: true` and a note say what was left out and how to read it.
 */

import { capName, jsonSize as size } from "../reply-cap.js";

/** What the engine returns for a table resource (describe_table's account plus firstRows). */
export type TableContent = Record<string, unknown> & { name?: unknown };

/** How the note names the cap. */
export interface FitCaps {
  maxBytes: number;
  maxBytesSetting?: string | undefined;
}

const LISTS = ["columns", "indexes", "foreignKeys", "triggers"] as const;

export function fitTableContent(content: TableContent, caps: FitCaps): TableContent {
  if (size(content) <= caps.maxBytes) return content;
  let noteRoom = 400;
  for (;;) {
    const fitted = fit(content, caps.maxBytes - noteRoom);
    const reply = { ...fitted, truncated: true, note: noteFor(content, fitted, caps) };
    const over = size(reply) - caps.maxBytes;
    if (over <= 0 || noteRoom > caps.maxBytes) return reply;
    noteRoom += over;
  }
}

function fit(content: TableContent, limit: number): TableContent {
  const { name, type, rowCount } = content;
  const out: TableContent = { name, type, rowCount, firstRows: null, truncated: true };
  let used = size(out);
  const sql = typeof content.sql === "string" ? content.sql : "";
  const sqlCost = size("sql") + 3 + size(sql);
  // The (usually short) index and foreign key lists first, then the CREATE statement if it takes at most a third of
  // what is left; then the columns, the triggers, and as much of the CREATE statement as still fits.
  const place = (key: (typeof LISTS)[number]) => {
    const items = Array.isArray(content[key]) ? (content[key] as unknown[]) : [];
    const kept: unknown[] = [];
    used += size(key) + 3;
    for (const item of items) {
      const cost = size(item) + 1;
      if (used + cost > limit) break;
      kept.push(item);
      used += cost;
    }
    out[key] = kept;
  };
  place("indexes");
  place("foreignKeys");
  const sqlFirst = typeof content.sql === "string" && sqlCost <= (limit - used) / 3;
  if (sqlFirst) {
    out.sql = sql;
    used += sqlCost;
  }
  place("columns");
  place("triggers");
  if (typeof content.sql === "string" && !sqlFirst) out.sql = longestHead(sql, limit - used - size("sql") - 3);
  const { columns, indexes, foreignKeys, triggers } = out;
  return { name, type, columns, indexes, foreignKeys, triggers, ...out };
}

/** The longest head of `text` whose JSON takes at most `room` bytes (a character's may take up to 6). */
function longestHead(text: string, room: number): string {
  let [lo, hi] = [0, text.length];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (size(text.slice(0, mid)) <= room) lo = mid;
    else hi = mid - 1;
  }
  return text.slice(0, lo);
}

function noteFor(content: TableContent, fitted: TableContent, caps: FitCaps): string {
  const shown: string[] = [];
  for (const key of LISTS) {
    const all = Array.isArray(content[key]) ? (content[key] as unknown[]).length : 0;
    const kept = (fitted[key] as unknown[]).length;
    if (kept < all) shown.push(`${kept} of ${all} ${key === "foreignKeys" ? "foreign keys" : key}`);
  }
  if (typeof content.sql === "string" && (fitted.sql as string).length < content.sql.length) {
    shown.push(
      `the first ${(fitted.sql as string).length} of ${content.sql.length} characters of the CREATE statement`,
    );
  }
  shown.push("no first rows");
  const cap = capName(caps);
  const table = String(content.name).replaceAll("'", "''");
  return `cut to fit the ${cap}: showing ${shown.join(", ")}. The rest, a page at a time: execute_query with SELECT * FROM pragma_table_xinfo('${table}') LIMIT 100 OFFSET 0 (likewise pragma_index_list, pragma_foreign_key_list), and SELECT sql FROM sqlite_schema WHERE name = ? for the CREATE statement (WHERE type = 'trigger' AND tbl_name = ? for its triggers).`;
}
