import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A database `":memory:"` asks for, kept in a file of its own instead: in a fresh folder under the system's temporary
 * directory (mode 0700), removed when the server closes. The executor is a process that is killed to stop a statement
 * past its time limit, a client's cancel or the memory limit, and a database in its memory went with it: every table,
 * with the reply saying "nothing was changed". A file outlives the executor; the page cache keeps it about as fast.
 */
export function scratchDatabase(): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "mcp-sqlite-memory-"));
  return {
    path: join(dir, "memory.db"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
