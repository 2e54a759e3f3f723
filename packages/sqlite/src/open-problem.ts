import { closeSync, openSync } from "node:fs";
import { walFolderProblem } from "./connections.js";
import { HOT_JOURNAL_REASON, HOT_JOURNAL_REMEDY, isHotJournal } from "./hot-journal.js";

// Why the executor could not open the database, and whose move it is. Out of file descriptors, SQLite says only
// "unable to open database file", as for a file it cannot open, and the model was told the operator must fix or
// replace a sound file.

/** Why opening the database at `path` failed (`reason`), and what must happen before a call can run (`remedy`). */
export interface OpenProblem {
  reason: string;
  remedy: string;
}

const FILE_REMEDY =
  "it is the server's database file that fails, not the statement, and no call can run until the server's operator fixes or replaces it";
const LIMIT_REMEDY =
  "neither the statement nor the file is at fault, and no call can run until the server is started with a higher open-file limit (ulimit -n), or the system has fewer files open";

/**
 * The problem of `error`, SQLite's failure to open `path`. `probe` opens a file that surely exists: when it fails for
 * the descriptor limit too (EMFILE, ENFILE), that limit is why SQLite could not open the database.
 */
export function openProblem(path: string, error: unknown, probe: () => void = probeOpen): OpenProblem {
  const walFolder = walFolderProblem(path, error);
  if (walFolder) return { reason: walFolder, remedy: FILE_REMEDY };
  if (isHotJournal(error)) return { reason: HOT_JOURNAL_REASON, remedy: HOT_JOURNAL_REMEDY };
  const message = error instanceof Error ? error.message : String(error);
  const cantOpen = String((error as { code?: unknown }).code).startsWith("SQLITE_CANTOPEN");
  const limit = cantOpen ? descriptorLimit(probe) : undefined;
  return limit ? { reason: `${message}: ${limit}`, remedy: LIMIT_REMEDY } : { reason: message, remedy: FILE_REMEDY };
}

/** The words for the descriptor limit `probe` fails at, if it fails at one. */
function descriptorLimit(probe: () => void): string | undefined {
  try {
    probe();
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EMFILE") return "the executor process has as many files open as its limit allows (EMFILE, ulimit -n)";
    if (code === "ENFILE") return "the system has as many files open as it allows (ENFILE)";
    return undefined;
  }
}

/**
 * Hold as many descriptors as the connections take (the file, its -wal and -shm, the reader's own: 5 once written),
 * on the running node binary, which exists and may be read wherever the server runs. SQLite's own have been closed
 * by now, so one free descriptor proves nothing.
 */
function probeOpen(): void {
  const held: number[] = [];
  try {
    for (let i = 0; i < DESCRIPTORS_TAKEN; i++) held.push(openSync(process.execPath, "r"));
  } finally {
    for (const fd of held) closeSync(fd);
  }
}

const DESCRIPTORS_TAKEN = 5;
