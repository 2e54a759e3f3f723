import { sqliteCodeOf } from "./sqlite-code.js";

// PRAGMA integrity_check and quick_check list damage as rows, then on some damage (pages a table scan cannot read)
// fail with SQLITE_CORRUPT themselves. The rows already listed are the damage the model was sent to look for, so they
// are kept, with a note, rather than lost behind the same "database disk image is malformed" the statement was run to
// explain.

/** The result column of SQLite's checks (the PRAGMA and its pragma_… table-valued form alike). */
const CHECK_COLUMNS = new Set(["integrity_check", "quick_check"]);

/**
 * The note for a check (a statement whose one column is `integrity_check` or `quick_check`) that `error` stopped
 * after `listed` rows, when the file's damage stopped it; undefined for any other failure or statement.
 */
export function stoppedCheckNote(error: unknown, columns: readonly string[], listed: number): string | undefined {
  const [column] = columns;
  if (columns.length !== 1 || column === undefined || !CHECK_COLUMNS.has(column.toLowerCase())) return undefined;
  const code = sqliteCodeOf(error, (c) => c.startsWith("SQLITE_CORRUPT"));
  if (code === undefined) return undefined;
  const found = listed === 0 ? "before listing anything" : `after listing the rows here (${listed})`;
  return `${column} stopped at damage it could not read past (database disk image is malformed [${code}]) ${found}: the file is damaged beyond what these rows say, and running the check again stops the same way. Tables it does not name may still be read; repairing the file is for the server's operator (restore a backup, or the sqlite3 shell's .recover)`;
}
