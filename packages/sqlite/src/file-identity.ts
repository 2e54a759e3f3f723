// The database file this server opened, by identity (device and inode), not by path: a file renamed over it (a
// restore from backup) or removed while it is open leaves the connections on the old file, and SQLite then writes
// where no one will read, or mixes the old file's WAL into the new one (https://sqlite.org/howtocorrupt.html, 2.4).
import { statSync } from "node:fs";

/** `device:inode` of the file at `path`, or undefined when there is none, it cannot be reached, or it is in memory. */
export function fileIdentity(path: string): string | undefined {
  if (path === ":memory:" || path === "") return undefined;
  try {
    const found = statSync(path, { throwIfNoEntry: false, bigint: true });
    return found ? `${found.dev}:${found.ino}` : undefined;
  } catch {
    // A folder on the way made unreadable, or a file put where one was: no file the server opened is there.
    return undefined;
  }
}

/** What happened to the file at `path` once it is not the one opened (`now`: the identity there now, if any). */
export function replacedFileReason(path: string, now: string | undefined): string {
  const what = now === undefined ? "removed" : "replaced by another file (renamed or copied over it)";
  return `the database file ${path} was ${what} while this server had it open, so its connections still point at the old file: a write would be lost and a read would describe a file no longer there. Ask the server's operator to restart it, which opens the file now at that path (replacing a database file in use can corrupt it: stop the server first next time)`;
}

/** Why no statement runs once the file at `path` is not the one opened. */
export function replacedFileMessage(path: string, now: string | undefined): string {
  return `refused, nothing ran: ${replacedFileReason(path, now)}`;
}
