import { closeSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stoppedCheckNote } from "../src/damage-check.js";
import { type Connected, connect, dataOf, tempDir } from "./helpers.js";

const corrupt = Object.assign(new Error("database disk image is malformed"), { code: "SQLITE_CORRUPT" });

describe("stoppedCheckNote", () => {
  it.each([
    [
      ["integrity_check"],
      corrupt,
      2,
      /^integrity_check stopped at damage .*\[SQLITE_CORRUPT\]\) after listing the rows here \(2\)/,
    ],
    [["quick_check"], corrupt, 0, /^quick_check stopped .* before listing anything: .*\.recover/],
    [
      ["integrity_check"],
      Object.assign(new Error("x"), { code: "SQLITE_CORRUPT_INDEX" }),
      1,
      /\[SQLITE_CORRUPT_INDEX\]/,
    ],
  ])("keeps the rows of a check %j that damage stopped", (columns, error, listed, note) => {
    expect(stoppedCheckNote(error, columns, listed)).toMatch(note);
  });

  it.each([
    [["id"], corrupt],
    [["integrity_check", "x"], corrupt],
    [["integrity_check"], Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" })],
    [["integrity_check"], new Error("no code")],
  ])("leaves other statements and failures to the error: %j", (columns, error) => {
    expect(stoppedCheckNote(error, columns, 1)).toBeUndefined();
  });
});

describe("PRAGMA integrity_check on a file whose table pages are damaged", () => {
  const tmp = tempDir();
  const path = join(tmp.dir, "damaged.db");
  let conn: Connected;
  beforeAll(async () => {
    const db = new Database(path);
    db.pragma("journal_mode = DELETE");
    db.exec(`CREATE TABLE logs (id INTEGER PRIMARY KEY, line TEXT);
      WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 20000)
        INSERT INTO logs (line) SELECT printf('line %d of the log', i) FROM c;`);
    const pageSize = Number(db.pragma("page_size", { simple: true }));
    const pages = Number(db.pragma("page_count", { simple: true }));
    db.close();
    // Two pages in the middle overwritten, as a bad disk block or a stray write would: SQLite's check lists them,
    // then fails itself where its table scan cannot read past them.
    const file = openSync(path, "r+");
    writeSync(file, Buffer.alloc(2 * pageSize, 0x41), 0, 2 * pageSize, Math.floor(pages / 2) * pageSize);
    closeSync(file);
    conn = await connect({ database: path, readOnly: true });
  });
  afterAll(async () => {
    await conn.close();
    tmp.cleanup();
  });

  it.each(["PRAGMA integrity_check(20)", "PRAGMA quick_check", "SELECT * FROM pragma_integrity_check"])(
    "%s gives the damage it listed, with a note that it stopped, where it failed as 'malformed' with nothing",
    async (sql) => {
      const reply = await conn.call("execute_query", { sql });
      expect(reply.isError).toBeFalsy();
      const value = dataOf<{ rows: string[][]; note: string }>(reply);
      expect(value.rows.flat().join("\n")).toMatch(/page \d+: btreeInitPage\(\) returns error code 11/);
      expect(value.note).toMatch(/check stopped at damage it could not read past .*\[SQLITE_CORRUPT\]/);
    },
  );

  it("still fails a plain read of the damage with the error", async () => {
    const reply = await conn.call("execute_query", { sql: "SELECT sum(length(line)) FROM logs" });
    expect(reply.isError).toBe(true);
  });
});
