import { statSync } from "node:fs";
import type Database from "better-sqlite3";
import type { StatementCache } from "./statement-cache.js";
import { quoteIdentifier } from "./table-name.js";
import { ToolError } from "./tool-error.js";

/**
 * Databases attached under allowAttach. ATTACH acts on the connection, outside any transaction: on the writer, which
 * every call and client shares, a database attached by a call that was rolled back stayed attached, unseen by
 * execute_query's connection, until the executor's next restart. So an attachment lasts for the execute_transaction
 * call that makes it, like a connection setting (connection-settings.ts): every database attached during the call is
 * detached when it ends, however it ends (a call stopped at the time limit loses its executor process, and the
 * attachment with it). SQLite creates a file it is asked to attach that does not exist, and rolling back leaves it, so
 * a failed call's message names such files.
 */

/** One row of PRAGMA database_list: seq 0 is main, 1 temp, 2 and up attached databases. */
export interface DatabaseEntry {
  seq: number;
  name: string;
  /** The file's full path; empty for an in-memory or temporary database. */
  file: string;
}

/** The attached databases of a database_list: every schema but main and temp. */
export function attachedOf(list: readonly DatabaseEntry[]): DatabaseEntry[] {
  return list.filter(({ seq }) => seq >= 2);
}

/** The databases of `db` now, as PRAGMA database_list lists them. */
export function databaseList(cache: StatementCache, db: Database.Database): DatabaseEntry[] {
  return cache.prepare(db, "PRAGMA database_list").all() as DatabaseEntry[];
}

/**
 * An attached database whose file another schema of `list` already has open, and that schema's name. SQLite opens
 * the file a second time, and a write through one name then finds the other holding the lock ("database is locked").
 */
export function sameFileTwice(list: readonly DatabaseEntry[]): (DatabaseEntry & { already: string }) | undefined {
  const sorted = [...list].sort((a, b) => a.seq - b.seq);
  for (const [i, entry] of sorted.entries()) {
    if (entry.seq < 2 || entry.file === "") continue;
    const first = sorted.slice(0, i).find(({ file }) => file === entry.file);
    if (first) return { ...entry, already: first.name };
  }
  return undefined;
}

/**
 * After an ATTACH ran (`before` is the database list it found): the files it created, which are empty just after
 * ATTACH (SQLite creates a file that does not exist; an empty one that did is the same empty database). An ATTACH of a
 * file already open under another name is refused, and the call rolled back and detached, before it can write.
 */
export function afterAttach(cache: StatementCache, db: Database.Database, before: readonly DatabaseEntry[]): string[] {
  const now = databaseList(cache, db);
  const twice = sameFileTwice(now);
  if (twice) {
    const already = twice.already === "main" ? "main (this server's database)" : twice.already;
    throw new ToolError(
      `${twice.file} is already attached as ${already}: attached again as ${twice.name}, a write through one name would find the other holding the lock ("database is locked"); use the name ${twice.already}`,
      { refusal: "sql_policy" },
    );
  }
  const known = new Set(before.map(({ name }) => name));
  return attachedOf(now)
    .filter(({ name, file }) => !known.has(name) && file !== "" && isEmptyFile(file))
    .map(({ file }) => file);
}

function isEmptyFile(file: string): boolean {
  try {
    return statSync(file).size === 0;
  } catch {
    return false;
  }
}

/**
 * Detach every attached database of `db` but those named in `kept` (attached before the call); run once the call's
 * transaction has ended, since SQLite refuses before.
 */
export function detachAdded(cache: StatementCache, db: Database.Database, kept: ReadonlySet<string>): void {
  for (const { name } of attachedOf(databaseList(cache, db))) {
    if (!kept.has(name)) db.exec(`DETACH ${quoteIdentifier(name)}`);
  }
}

/** The sentence a failed call's message adds about the files its ATTACHes created; empty when there are none. */
export function createdFilesNote(files: readonly string[]): string {
  const unique = [...new Set(files)];
  if (unique.length === 0) return "";
  const one = unique.length === 1;
  return `ATTACH created the ${one ? "file" : "files"} ${unique.join(", ")}, which did not exist (or ${one ? "was" : "were"} empty): SQLite creates a file it is asked to attach, and rolling back does not remove it; delete ${one ? "it" : "them"} if not wanted.`;
}
