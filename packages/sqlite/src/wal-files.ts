import { existsSync } from "node:fs";
import Database from "better-sqlite3";

// Reading a WAL-mode file makes its -wal and -shm files beside it, and SQLite removes them when the last connection
// closes, but only if that connection can take a write lock on the file, which one opened read-only cannot. A
// read-only server on a file no program had open (an app's database while the app is stopped) would leave both
// behind for good. A handle opened read-write only to read the schema and close removes them as any last connection
// does; while another connection has the file open, SQLite removes nothing.

/** Are there -wal or -shm files beside the database at `path`? */
export function walFilesBeside(path: string): boolean {
  return existsSync(`${path}-wal`) || existsSync(`${path}-shm`);
}

/**
 * Have SQLite remove the -wal and -shm files beside `path`, as the last connection closing does: a WAL this server
 * only read is empty, so the checkpoint on close writes nothing (frames another program committed meanwhile and left
 * there go into the file, as its next opening would put them). Nothing happens when the file cannot be opened for
 * writing or another connection has it open: the files then stay, as SQLite leaves them.
 */
export function removeWalFiles(path: string): void {
  if (!walFilesBeside(path)) return;
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { fileMustExist: true, timeout: 0 });
    db.pragma("query_only = 1");
    // Only a connection that has opened the WAL closes it, which is where SQLite removes the files.
    db.prepare("SELECT count(*) FROM sqlite_schema").get();
  } catch {
    // Locked by another connection or not writable: what SQLite would leave stays.
  } finally {
    db?.close();
  }
}
