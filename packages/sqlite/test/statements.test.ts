import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { type Connected, connect, tempDir, textOf } from "./helpers.js";

let open: Connected | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  await open?.close();
  cleanup?.();
});

describe("statements checked against another connection's schema changes", () => {
  it("keeps writing while another program changes the schema between calls (no stale EXPLAIN re-run)", async () => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    const file = join(temp.dir, "shared.db");
    const other = new Database(file);
    other.pragma("journal_mode = WAL");
    other.exec("CREATE TABLE t (x)");
    open = await connect({ database: file });
    try {
      for (let i = 0; i < 40; i++) {
        const result = await open.call("execute_write", { sql: "INSERT INTO t VALUES (?)", params: [i] });
        expect(result.isError, textOf(result)).toBeFalsy();
        // Another replica, a migration or the sqlite3 shell changes the schema meanwhile.
        other.exec(`CREATE TABLE u${i} (y)`);
      }
      expect(other.prepare("SELECT count(*) AS n FROM t").get()).toEqual({ n: 40 });
    } finally {
      other.close();
    }
  });
});
