import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { databaseFile, databasePathProblem } from "../src/database-path.js";
import { createSqliteServerFactory } from "../src/server.js";
import { tempDir } from "./helpers.js";

const require = createRequire(import.meta.url);

const tmp = tempDir();
mkdirSync(join(tmp.dir, "folder"));
writeFileSync(join(tmp.dir, "data.db"), "");
writeFileSync(join(tmp.dir, "plain.txt"), "not a folder");
writeFileSync(join(tmp.dir, "short"), "SQLite");
new Database(join(tmp.dir, "real.db")).exec("CREATE TABLE t (x)");
afterAll(() => tmp.cleanup());

const NAMES = { path: "DB", readOnly: "READ-ONLY" };
// SQLite would open "" as a temporary database, gone when the server stops: nobody means that by leaving it empty.
const EMPTY =
  'DB is empty: give the database file\'s path (or ":memory:" for a database that is gone when the server stops)';

const URI =
  "DB is an SQLite URI, but a plain file path is taken here (it would create a new, empty database of that name): give";

const NOT_A_DATABASE =
  'DB is not an SQLite database (it does not start with SQLite\'s "SQLite format 3" header); give a database file, or a path where none exists yet to create one';

// [path under the temp dir ("" and ":memory:" as they are), read-only, the problem or undefined]
const TABLE: [path: string, readOnly: boolean, problem: string | undefined][] = [
  [":memory:", false, undefined],
  [":memory:", true, undefined],
  ["", false, EMPTY],
  ["", true, EMPTY],
  ["data.db", false, undefined],
  ["data.db", true, undefined],
  ["new.db", false, undefined],
  ["new/deeper/folders.db", false, undefined],
  ["new.db", true, "DB: no such file, and READ-ONLY cannot create it"],
  ["new/deeper/folders.db", true, "DB: no such file, and READ-ONLY cannot create it"],
  [".", false, "DB is a directory, not a database file"],
  ["folder", false, "DB is a directory, not a database file"],
  ["folder/", true, "DB is a directory, not a database file"],
  ["plain.txt/x.db", false, "DB cannot be created: TMP/plain.txt is not a directory"],
  ["plain.txt/deeper/x.db", false, "DB cannot be created: TMP/plain.txt is not a directory"],
  ["plain.txt/x.db", true, "DB: no such file, and READ-ONLY cannot create it"],
  ["real.db", false, undefined],
  ["real.db", true, undefined],
  ["plain.txt", false, NOT_A_DATABASE],
  ["plain.txt", true, NOT_A_DATABASE],
  ["short", false, NOT_A_DATABASE],
  // SQLite URIs, read as paths, would make a new empty database of that name (and a "file:" folder) instead.
  ["file:real.db?mode=ro", false, `${URI} TMP/real.db, and READ-ONLY for mode=ro`],
  ["file:real.db?mode=ro", true, `${URI} TMP/real.db, and READ-ONLY for mode=ro`],
  ["file:real.db", false, `${URI} TMP/real.db`],
  ["file:/srv/app/data.db?cache=shared&mode=ro#x", false, `${URI} /srv/app/data.db, and READ-ONLY for mode=ro`],
  ["file:my%20data.db?immutable=1", true, `${URI} TMP/my data.db`],
  ["real.db?mode=ro", true, `${URI} TMP/real.db, and READ-ONLY for mode=ro`],
  ["new.db?vfs=unix-none", false, `${URI} TMP/new.db`],
  ["file::memory:?cache=shared", false, `${URI} :memory:`],
  ["what?.db", false, undefined],
  ["data.db#mode=ro", false, undefined],
];

describe("databasePathProblem", () => {
  it.each(TABLE)("%j, read-only %s → %s", (path, readOnly, problem) => {
    const given = path === "" || path === ":memory:" ? path : join(tmp.dir, path);
    expect(databasePathProblem(given, readOnly, NAMES)).toBe(problem?.replace("TMP", tmp.dir));
  });

  it("reads a relative path from the working directory", () => {
    expect(databasePathProblem(".", false, NAMES)).toBe("DB is a directory, not a database file");
  });
});

describe("databaseFile", () => {
  it("names the file a path or an open Database lives in, and none for a Database in memory", () => {
    const path = join(tmp.dir, "watched.db");
    const onDisk = new Database(path);
    const inMemory = new Database(":memory:");
    try {
      expect([databaseFile(path), databaseFile(onDisk), databaseFile(inMemory)]).toEqual([path, path, undefined]);
    } finally {
      onDisk.close();
      inMemory.close();
    }
  });
});

describe("a server made in a process that holds its own connection to the file", () => {
  const temp = tempDir();
  afterAll(() => temp.cleanup());

  /** Whether another process can take the write lock now (without waiting). */
  const otherProcessCanWrite = (file: string) =>
    spawnSync(
      process.execPath,
      [
        "-e",
        `const D = require(${JSON.stringify(require.resolve("better-sqlite3"))}); const d = new D(process.argv[1], { timeout: 0 }); try { d.exec("BEGIN IMMEDIATE"); d.exec("ROLLBACK"); console.log("took it"); } catch (e) { console.log(e.code); }`,
        file,
      ],
      { encoding: "utf8" },
    ).stdout.trim();

  it("leaves that connection's lock alone (no descriptor of the file is opened and closed here)", async () => {
    const file = join(temp.dir, "held.db");
    const own = new Database(file);
    own.exec("CREATE TABLE t (x)");
    own.exec("BEGIN IMMEDIATE");
    own.exec("INSERT INTO t VALUES (1)");
    expect(otherProcessCanWrite(file)).toBe("SQLITE_BUSY");
    const factory = createSqliteServerFactory({ database: file });
    try {
      expect(otherProcessCanWrite(file)).toBe("SQLITE_BUSY");
    } finally {
      await factory.close();
      own.exec("ROLLBACK");
      own.close();
    }
  });

  it("still refuses a file that is not a database at start-up when the process has none (the bin)", () => {
    const file = join(temp.dir, "notes.txt");
    writeFileSync(file, "plain text");
    expect(databasePathProblem(file, false, { path: "--db", readOnly: "--read-only" })).toMatch(
      /is not an SQLite database/,
    );
  });
});
