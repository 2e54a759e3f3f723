import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A database `":memory:"` asks for, kept in a file of its own instead: in a fresh folder under the system's temporary
 * directory (mode 0700), removed when the server closes, or when the program exits if it never does. The executor is
 * a process that is killed to stop a statement past its time limit, a client's cancel or the memory limit, and a
 * database in its memory went with it: every table, with the reply saying "nothing was changed". A file outlives the
 * executor; the page cache keeps it about as fast.
 */
export function scratchDatabase(): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "mcp-sqlite-memory-"));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  // A program that never closes its server still exits (the executor does not hold it); the folder goes with it,
  // as a database in memory would. One listener per open database is expected, not a leak: the limit moves with it.
  const limited = process.getMaxListeners() > 0;
  if (limited) process.setMaxListeners(process.getMaxListeners() + 1);
  process.once("exit", removeDir);
  let removed = false;
  return {
    path: join(dir, "memory.db"),
    remove: () => {
      if (!removed) {
        removed = true;
        process.off("exit", removeDir);
        if (limited) process.setMaxListeners(process.getMaxListeners() - 1);
      }
      removeDir();
    },
  };
}
