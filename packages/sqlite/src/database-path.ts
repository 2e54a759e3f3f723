// A database path that cannot work is refused when the server is made, in one line, instead of at every call
// ("could not open the database /tmp: unable to open database file") after the server said it was ready.
// It looks at the file system (stat) but changes nothing; the caller words nothing but the setting's names.
import { accessSync, closeSync, constants, openSync, readSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type Database from "better-sqlite3";
import type { SqliteExecutor } from "./executor.js";

/** What an empty path is told: SQLite would take "" for a temporary database, so the path is asked for. */
const EMPTY_PATH_REMEDY =
  'give the database file\'s path (or ":memory:" for a database that is gone when the server stops)';

/** How a message names the path and the read-only setting: the bin's flags or the library's options. */
export interface DatabasePathNames {
  /** The path as configured, e.g. `--db /tmp` or `database "/tmp"`. */
  path: string;
  /** e.g. `--read-only` or `readOnly: true`. */
  readOnly: string;
}

/**
 * Why SQLite could not open `path` (absolute or relative to the working directory), as one sentence, or undefined
 * when it can. A missing file is fine unless read-only: it is created, with any missing folders, at first use, so
 * the nearest folder that exists must be writable; an existing file must be readable, and writable unless read-only.
 * ":memory:" is always fine. "" is refused, as the options refuse it: SQLite would open a temporary database that
 * vanishes when the server stops, which nobody asks for by leaving the path empty.
 */
export function databasePathProblem(
  path: string,
  readOnly: boolean,
  names: DatabasePathNames,
  /**
   * Read the file's header to refuse a file that is not a database. Only in a process that has no SQLite connection
   * of its own to the file: closing any descriptor of a file drops every POSIX lock this process holds on it, a live
   * connection's included (https://sqlite.org/howtocorrupt.html, 2.2). The executor's process says it otherwise.
   */
  readHeader = true,
): string | undefined {
  if (path === "") return `${names.path} is empty: ${EMPTY_PATH_REMEDY}`;
  if (path === ":memory:") return undefined;
  const absolute = resolve(path);
  const kind = kindOf(absolute);
  if (kind === "directory") return `${names.path} is a directory, not a database file`;
  if (kind === "other") {
    if (!allowed(absolute, constants.R_OK)) return `${names.path} is not readable by this user`;
    if (readHeader && !looksLikeDatabase(absolute)) {
      return `${names.path} is not an SQLite database (it does not start with SQLite's "SQLite format 3" header); give a database file, or a path where none exists yet to create one`;
    }
    if (!readOnly && !allowed(absolute, constants.W_OK)) {
      return `${names.path} is not writable by this user; give ${names.readOnly} to serve it read-only`;
    }
    // Writing in WAL mode keeps two files beside the database, made when it is opened unless they are there already.
    const dir = dirname(absolute);
    const beside = [`${absolute}-wal`, `${absolute}-shm`];
    if (!readOnly && !allowed(dir, constants.W_OK) && !beside.every((file) => writableFile(file))) {
      return `${names.path} is in ${dir}, where this user cannot make the -wal and -shm files SQLite writes beside it; make the folder writable, or give ${names.readOnly} to serve it read-only`;
    }
    return undefined;
  }
  const uri = uriProblem(absolute, names);
  if (uri) return uri;
  if (readOnly) return `${names.path}: no such file, and ${names.readOnly} cannot create it`;
  // The folders are made with the file: the nearest one that exists must be a folder this user may write in.
  for (let dir = dirname(absolute); ; dir = dirname(dir)) {
    const above = kindOf(dir);
    if (above === "directory") {
      return allowed(dir, constants.W_OK)
        ? undefined
        : `${names.path} cannot be created: ${dir} is not writable by this user`;
    }
    if (above === "other") return `${names.path} cannot be created: ${dir} is not a directory`;
    if (dirname(dir) === dir) return undefined;
  }
}

/** A parameter of SQLite's URI filenames (https://sqlite.org/uri.html), after the "?" that starts them. */
const URI_PARAMETER = /\?(?:[^#]*&)?(?:mode|cache|immutable|vfs|nolock|psow|modeof)=/;

/**
 * A missing `absolute` path that is an SQLite URI (`file:data.db?mode=ro`, or a path with `?mode=ro`), resolved as
 * a path: the server takes a plain path, so SQLite would create a new, empty database of that odd name (and a
 * `file:` folder) while the real file went unread. Say which path was meant, and the setting for `mode=ro`.
 */
function uriProblem(absolute: string, names: DatabasePathNames): string | undefined {
  const scheme = absolute.indexOf("/file:");
  if (scheme < 0 && !URI_PARAMETER.test(absolute)) return undefined;
  const query = absolute.search(/[?#]/);
  let rest = scheme < 0 ? absolute : absolute.slice(scheme + "/file:".length);
  rest = query < 0 ? rest : rest.slice(0, query - (absolute.length - rest.length));
  try {
    rest = decodeURIComponent(rest);
  } catch {
    // Not percent-encoded after all: the path as written.
  }
  const plain = scheme < 0 || rest === ":memory:" ? rest : resolve(absolute.slice(0, scheme) || "/", rest);
  const readOnly = /[?&]mode=ro\b/.test(absolute) ? `, and ${names.readOnly} for mode=ro` : "";
  return `${names.path} is an SQLite URI, but a plain file path is taken here (it would create a new, empty database of that name): give ${plain}${readOnly}`;
}

/** SQLite's file header: every database file starts with these 16 bytes; an empty file is a database yet to be made. */
const HEADER = Buffer.from("SQLite format 3\0", "latin1");

/** Whether the file at `path` is empty or starts with SQLite's header (a file that cannot be read is SQLite's to say). */
function looksLikeDatabase(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return true;
  }
  try {
    const head = Buffer.alloc(HEADER.length);
    const n = readSync(fd, head, 0, head.length, 0);
    return n === 0 || (n === HEADER.length && head.equals(HEADER));
  } catch {
    return true;
  } finally {
    closeSync(fd);
  }
}

/** Whether this user may read or write `path` (`mode`); only a refusal by permissions or a read-only mount says no. */
function allowed(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return !(code === "EACCES" || code === "EPERM" || code === "EROFS");
  }
}

/** Whether `path` is a file that exists and this user may write. */
function writableFile(path: string): boolean {
  return kindOf(path) === "other" && allowed(path, constants.W_OK);
}

/** A directory, anything else that exists (or cannot be looked at: SQLite will say why), or nothing there. */
function kindOf(path: string): "directory" | "other" | "missing" {
  try {
    return statSync(path).isDirectory() ? "directory" : "other";
  } catch (error) {
    // ENOTDIR: a file stands where a folder on the way should be, so nothing is there; the walk up finds the file.
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ENOTDIR" ? "missing" : "other";
  }
}

/** The file a database lives in, for the schema watch to look at; none for memory or an executor of unknown shape. */
export function databaseFile(database: string | Database.Database | SqliteExecutor): string | undefined {
  if (typeof database === "string") return database;
  if ("prepare" in database && !database.memory) return database.name;
  return undefined;
}
