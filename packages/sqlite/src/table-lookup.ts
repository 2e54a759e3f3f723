import type Database from "better-sqlite3";
import { attachAdvice } from "./error-hints.js";
import { type PolicyOptions, READ_ONLY_OFFER } from "./sql-policy.js";
import { ACCEPTED_NAMES, parseTableName, quoteIdentifier } from "./table-name.js";

/** A table or view found by describe_table's name: its database, its name as stored, its type and CREATE statement. */
export interface FoundTable {
  schema: string;
  name: string;
  type: "table" | "view";
  sql: string | null;
}

/**
 * Find the table or view `input` names: first as stored in the main database (a name may hold a dot or quotes), then
 * read as [database.]name (table-name.ts). What is not found throws an error that says what is accepted, and what
 * the server `offers` to reach another database or a temporary table.
 */
export function findTable(db: Database.Database, input: string, offers: PolicyOptions): FoundTable {
  const stored = inSchema(db, "main", input);
  if (stored) return stored;
  const shown = quoted(input);
  const parsed = parseTableName(input);
  if (!parsed)
    throw new Error(`no table or view named ${shown}, nor is it a name describe_table reads: give ${ACCEPTED_NAMES}`);
  const schema = parsed.schema ?? "main";
  const attached = db
    .prepare("SELECT name FROM pragma_database_list WHERE name = ? COLLATE NOCASE")
    .pluck()
    .get(schema);
  const temp = /^temp(orary)?$/i.test(schema);
  if (typeof attached !== "string") {
    if (temp) throw new Error(noTemp(parsed.name, offers));
    throw new Error(noDatabase(schema, parsed.name, shown, offers));
  }
  const found = inSchema(db, attached, parsed.name);
  if (found) return found;
  if (temp) throw new Error(noTemp(parsed.name, offers));
  const where = attached === "main" ? "" : ` in database ${quoted(attached)}`;
  throw new Error(`no table or view named ${quoted(parsed.name)}${where}; list_tables shows what exists`);
}

/**
 * No database `schema` is attached to the reader: an ATTACH lasts for the execute_transaction call that makes it, where
 * the server `offers` one at all (error-hints.ts `attachAdvice`).
 */
export function noDatabase(schema: string, name: string, shown: string, offers: PolicyOptions): string {
  const missing = `no database named ${quoted(schema)} (in ${shown}): describe_table reads the main database, so give ${ACCEPTED_NAMES}`;
  if (offers.readOnly || !offers.allowAttach) return `${missing}; ${attachAdvice(schema, offers)}`;
  return `${missing}. An ATTACH lasts only for the execute_transaction call that makes it: describe an attached table in that call, with SELECT * FROM pragma_table_xinfo(${literal(name)}, ${literal(schema)})`;
}

/**
 * The server drops a temporary table when the call that made it ends (temp-objects.ts): no later call sees one. A
 * read-only server makes none.
 */
export function noTemp(name: string, offers: PolicyOptions): string {
  if (offers.readOnly) {
    return `no temporary table or view named ${quoted(name)}: this server is read-only, so no call creates one (${READ_ONLY_OFFER}); list_tables shows the tables of main`;
  }
  return `no temporary table or view named ${quoted(name)}: one lasts only for the execute_transaction call that creates it, so describe_table cannot see it; describe it in that call, with SELECT * FROM pragma_table_xinfo(${literal(name)}, 'temp')`;
}

/** A name as messages show it: in JSON's quotes, cut at 200 characters (a name can be a megabyte long). */
function quoted(name: string): string {
  return JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}…` : name);
}

/** An SQL string literal of `text`; of a long one, a placeholder to fill in. */
function literal(text: string): string {
  return text.length > 200 ? "'name'" : `'${text.replaceAll("'", "''")}'`;
}

function inSchema(db: Database.Database, schema: string, name: string): FoundTable | undefined {
  const row = db
    .prepare(
      `SELECT name, type, sql FROM ${quoteIdentifier(schema)}.sqlite_schema WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE`,
    )
    .get(name) as Omit<FoundTable, "schema"> | undefined;
  return row ? { schema, ...row } : undefined;
}
