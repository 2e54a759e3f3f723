/**
 * How list_tables fits its reply to the byte cap (catalog.ts measures, this decides). Tables and views come with their
 * columns while they fit; when not all do, the others are still named, since a name costs a few bytes where columns
 * cost hundreds, so the model can find any table and ask describe_table for it. Only a list whose names alone pass
 * the cap is cut, and then the note says how to page through the rest with execute_query.
 */

/**
 * The shadow tables of main's virtual tables (FTS5's docs_data, docs_idx, …), as SQLite itself tells them: a module's
 * own storage, which its virtual table reads and SQLite's defensive mode keeps from being written.
 */
export const SHADOW_TABLES = "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow'";

/**
 * The tables and views a user made, as sqlite_schema lists them: SQLite's own (`sqlite_` names) and the shadow tables
 * of virtual tables left out, which would outnumber the tables (five for each FTS5 table) and say nothing to query.
 * `!` escapes the `_`, which LIKE would read as any character; it reads plainly in a query the model is given.
 */
export const USER_OBJECTS = `type IN ('table', 'view') AND name NOT LIKE 'sqlite!_%' ESCAPE '!' AND name NOT IN (${SHADOW_TABLES})`;

/** The share of the room that the names of tables shown without columns may claim ahead of the columns: a quarter. */
export const NAMES_SHARE = 0.25;

/** What fits: the first `detailed` objects with their columns, then the names of the next `named`. */
export interface TableListPlan {
  detailed: number;
  named: number;
}

/** The bytes `name` takes in the reply's `more` array: its JSON and a comma. */
export function nameBytes(name: string): number {
  return Buffer.byteLength(JSON.stringify(name)) + 1;
}

/**
 * The plan for `names` (every object, in order) in `room` bytes, given `sizes`: the JSON bytes of the entries with
 * columns, measured in order until they passed the room (so `sizes` may be shorter than `names`). When not all fit
 * in full, the names of the others get what they need, up to NAMES_SHARE of the room, ahead of the columns.
 */
export function planTableList(names: readonly string[], sizes: readonly number[], room: number): TableListPlan {
  const total = sizes.reduce((sum, bytes) => sum + bytes, 0);
  if (sizes.length === names.length && total <= room) return { detailed: names.length, named: 0 };
  const allNames = names.reduce((sum, name) => sum + nameBytes(name), 0);
  const forColumns = room - Math.min(allNames, Math.floor(room * NAMES_SHARE));
  let detailed = 0;
  let used = 0;
  while (detailed < sizes.length && used + (sizes[detailed] ?? 0) <= forColumns) used += sizes[detailed++] ?? 0;
  let named = 0;
  while (detailed + named < names.length) {
    const bytes = nameBytes(names[detailed + named] ?? "");
    if (used + bytes > room) break;
    used += bytes;
    named++;
  }
  return { detailed, named };
}

/** SQL that lists the names after the first `offset`, in list_tables' order, a page execute_query returns whole. */
export function namesQuery(offset: number): string {
  return `SELECT name, type FROM sqlite_schema WHERE ${USER_OBJECTS} ORDER BY name LIMIT 500 OFFSET ${offset}`;
}

/** The note of a list cut by `plan`, of `total` objects, at the response cap `maxBytes`. */
export function tableListNote(plan: TableListPlan, total: number, maxBytes: number): string {
  const { detailed, named } = plan;
  const shown = `showing ${detailed} of ${total} tables and views with their columns (response cap ${maxBytes} bytes)`;
  const unnamed = total - detailed - named;
  if (unnamed === 0) {
    return `${shown}; the other ${named} are named in more, in the same order: describe_table shows any one's columns`;
  }
  return `${shown}, the next ${named} by name in more, and ${unnamed} not named here: execute_query lists them, ${namesQuery(detailed + named)} (raise OFFSET by 500 for each page); describe_table shows any one's columns`;
}
