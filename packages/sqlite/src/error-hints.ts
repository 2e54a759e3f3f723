/**
 * What to try after a failed statement, chosen by SQLite's result code (better-sqlite3's `code`, the extended code
 * such as SQLITE_BUSY_SNAPSHOT), never by words in the message: a message can quote anything (an argument-count error
 * names pragma_busy_timeout, a RAISE() in a trigger says what it likes). A lock failure (SQLITE_BUSY, SQLITE_LOCKED) gets
 * no hint here: its whole message comes from lock-message.ts, the same for every tool.
 */

import { HOT_JOURNAL_CODE, HOT_JOURNAL_REASON, HOT_JOURNAL_REMEDY } from "./hot-journal.js";
import { placeholderSummary } from "./numbered-params.js";
import { SEARCH_TEXT_HINT } from "./search-text.js";
import { type PolicyOptions, READ_ONLY_OFFER } from "./sql-policy.js";
import { quoteIdentifier } from "./table-name.js";

/**
 * What the server offers, and the databases the failing statement's connection has attached at that moment (a
 * transaction's own ATTACH, or a library caller's): a missing table in one of those is not a missing ATTACH.
 */
export type HintContext = PolicyOptions & {
  attached?: readonly string[];
  /** The statement compiled and failed on the text a full-text MATCH searches for (search-text.ts). */
  searchText?: boolean;
};

/**
 * The hint for a failure with SQLite result `code` (none for a binding error) and `message`, naming only what the
 * server `offers` (a read-only one has no write tools; ATTACH needs allowAttach); for a binding error, `sql` (when
 * given) says which placeholders the statement has.
 */
export function hintFor(code: string | undefined, message: string, offers: HintContext, sql?: string): string {
  if (!code?.startsWith("SQLITE_")) {
    // better-sqlite3's own binding errors (RangeError, TypeError): too few or too many values, a missing name.
    if (!/parameter/i.test(message)) return "";
    const takes = sql === undefined ? "" : placeholderSummary(sql) || "it takes no params: leave params out";
    return ` — params must match the statement's ? or :name placeholders${takes ? `; ${takes}` : ""}`;
  }
  // An extended code is its primary code and a detail: SQLITE_BUSY_SNAPSHOT is a SQLITE_BUSY.
  switch (code.split("_").slice(0, 2).join("_")) {
    case "SQLITE_READONLY":
      return readOnlyHint(code);
    case "SQLITE_CORRUPT":
    case "SQLITE_NOTADB":
      return CORRUPT_HINT;
    case "SQLITE_FULL":
      return FULL_HINT;
    case "SQLITE_CONSTRAINT":
      return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" ? uniqueHint(message) : "";
    case "SQLITE_TOOBIG":
      return " — one value passed SQLite's length limit (better-sqlite3 sets about 512 MiB); build smaller values";
    case "SQLITE_ERROR":
      if (offers.searchText) return SEARCH_TEXT_HINT;
      if (code === "SQLITE_ERROR_MISSING_COLLSEQ") return missingCollationHint(message);
      // SQLite's own wording for a name it cannot resolve, which starts the message.
      if (message.startsWith("no such table:")) return noSuchTableHint(message, offers);
      if (message.startsWith("no such column:")) return " — describe_table shows a table's columns";
      if (message.startsWith("no such function:")) return noSuchFunctionHint(message);
      if (message.startsWith("ambiguous column name:")) {
        const column = message.slice("ambiguous column name:".length).trim();
        return ` — more than one table in FROM has a column ${column}: name the one meant with its table or alias (orders.${column}, o.${column})`;
      }
      // load_extension()'s wording when extension loading is off (an authorizer's denial is SQLITE_AUTH).
      if (message === "not authorized") return NO_EXTENSIONS_HINT;
      // The parser's, when its stack overflows (SQLITE_MAX_PARSER_DEPTH, 2500).
      if (message === "Recursion limit") {
        return " — the statement nests too deeply for SQLite's parser (about 2,500 levels of parentheses or subqueries): flatten it, e.g. name a nested subquery in a WITH clause";
      }
      if (message === "too many SQL variables") {
        return " — SQLite binds at most 32,766 parameters in one statement: send a long list as one JSON array param and read it with json_each(?) (WHERE id IN (SELECT value FROM json_each(?))), or split the rows over several statements";
      }
      if (message === "too many columns in result set") {
        return " — SQLite returns at most 2,000 columns from one statement: select fewer columns, or several at a time";
      }
      if (message === "incomplete input") {
        return " — the statement ends too early: a closing parenthesis or quote, or what follows its last keyword, is missing";
      }
      // DETACH's own wording (a locked table is SQLITE_LOCKED): the database has a transaction open on it.
      if (/^database .* is locked$/.test(message)) {
        return " — SQLite detaches a database only outside a transaction; leave out DETACH: execute_transaction detaches every database it attached when the call ends";
      }
      return "";
    default:
      return "";
  }
}

/**
 * SQLite names the table and columns of a broken UNIQUE or PRIMARY KEY ("UNIQUE constraint failed: t.a, t.b"), or an
 * index on expressions ("index 'i'"): say that another row holds the value, and how an INSERT updates or skips it.
 */
function uniqueHint(message: string): string {
  const named = /constraint failed: ((?:[^.,\s]+\.[^,]+)(?:, [^.,\s]+\.[^,]+)*)$/.exec(message)?.[1];
  const columns = named?.split(", ").map((column) => column.slice(column.indexOf(".") + 1));
  const target = columns ? ` (${columns.join(", ")})` : "";
  return ` — another row already has ${named ? `that ${named}` : "that key"}: find it with execute_query; an INSERT can update it instead with ON CONFLICT${target} DO UPDATE SET …, or skip the row with ON CONFLICT${target} DO NOTHING`;
}

/**
 * A column or index declared with a collation of the program that made the file (Android's LOCALIZED and UNICODE)
 * cannot be compared, sorted or indexed here: a read can name a built-in collation instead; a write that updates
 * such an index cannot run at all.
 */
function missingCollationHint(message: string): string {
  const name = message.slice(message.lastIndexOf(":") + 1).trim() || "it";
  return ` — ${name} is a collation of the program that made this file (Android's LOCALIZED and UNICODE are such), and this server cannot load it. A read can name a built-in one where the column is sorted or compared (ORDER BY name COLLATE NOCASE, WHERE name = ? COLLATE BINARY; BINARY, NOCASE and RTRIM are built in); a write to a table with an index that uses ${name} fails whatever it says, and is for that program to make`;
}

/** Extensions cannot be loaded here, so the functions SQLite has are all there are; REGEXP, often assumed, is not one. */
function noSuchFunctionHint(message: string): string {
  const name = message.slice("no such function:".length).trim();
  const instead = name.toLowerCase() === "regexp" ? " REGEXP is not built in: use LIKE, GLOB or instr() instead;" : "";
  return ` —${instead} ${FUNCTIONS_THERE_ARE}`;
}

/** What a server that loads no extensions has instead: SQLite's built-in functions, and how to list them. */
const FUNCTIONS_THERE_ARE =
  "this server loads no extensions, and SELECT DISTINCT name FROM pragma_function_list ORDER BY 1 lists the functions it has";

/** load_extension() is off on the server's connections: it loads no extensions, and says what it has instead. */
const NO_EXTENSIONS_HINT = ` — load_extension() is off: ${FUNCTIONS_THERE_ARE}`;

/** A damaged file fails every statement that touches the damage, whatever its SQL: say so, and how to see it. */
export const CORRUPT_HINT =
  " — the database file is damaged where this statement reads or writes: the SQL is not at fault, and running it again fails the same way. PRAGMA integrity_check(20) with execute_query lists the damage (tables it does not name may still be read); repairing the file is for the server's operator (restore a backup, or the sqlite3 shell's .recover)";

/**
 * The pragma policy refuses max_page_count, so a full database is a full disk: its own, or where SQLite keeps
 * temporary files for a large sort. Deleting rows, the model's first idea, needs room too.
 */
export const FULL_HINT =
  " — the disk holding the database (or SQLite's temporary files, which a large sort or index uses) has no room left, so nothing was changed; the SQL is not at fault. Deleting rows does not make room: a DELETE is written first too (to the journal or WAL), and the file does not shrink without VACUUM, which needs room of its own. Freeing disk space is for the server's operator; reads still work";

/**
 * A table named in another schema (`o.items`) may be in a database an earlier execute_transaction attached: that
 * lasted for that call only (attachments.ts). A server that cannot ATTACH says so, naming only what it offers.
 */
function noSuchTableHint(message: string, offers: HintContext): string {
  const schema = /^no such table: ([^.]+)\./.exec(message)?.[1];
  if (schema === undefined || schema === "main" || schema === "temp") return " — list_tables shows the tables";
  if (offers.attached?.some((name) => name.toLowerCase() === schema.toLowerCase())) {
    return ` — ${schema} is attached, but has no such table: SELECT name FROM ${quoteIdentifier(schema)}.sqlite_schema WHERE type IN ('table', 'view') lists its tables`;
  }
  return ` — list_tables shows the tables of main; ${attachAdvice(schema, offers)}`;
}

/** What a server can do about a database `schema` it has not attached: ATTACH it in execute_transaction, or nothing. */
export function attachAdvice(schema: string, offers: PolicyOptions): string {
  if (offers.readOnly) return `this server is read-only and cannot ATTACH ${schema}: ${READ_ONLY_OFFER}`;
  if (!offers.allowAttach) {
    return `this server does not ATTACH other databases (its operator can allow it with ${offers.allowAttachSetting ?? "allowAttach: true"})`;
  }
  return `if ${schema} is a database you ATTACH, it is attached for one execute_transaction call only: send the ATTACH and the statements that use it there together`;
}

function readOnlyHint(code: string): string {
  if (code === HOT_JOURNAL_CODE) return ` — nothing was written: ${HOT_JOURNAL_REASON}; ${HOT_JOURNAL_REMEDY}`;
  if (code === "SQLITE_READONLY_DBMOVED") return " — the database file was moved or deleted while open";
  if (code === "SQLITE_READONLY_DIRECTORY") return " — the database's folder cannot be written in";
  // A server that offers writes opened its file read-only: SQLite's fallback when this user cannot write the file.
  return " — the database was opened read-only, as its file is not writable by the server's user (or the handle given to the server is read-only); nothing was written: the server's operator must make the file writable (reads still work)";
}
