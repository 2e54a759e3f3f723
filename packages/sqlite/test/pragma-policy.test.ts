import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import {
  isBarePragmaRead,
  PROCESS_WIDE_PRAGMAS,
  READ_ONLY_BARE_PRAGMAS,
  verdictBeforePrepare,
} from "../src/pragma-policy.js";
import { pragmaShape } from "../src/sql-shape.js";
import { tempDir } from "./helpers.js";

describe("verdictBeforePrepare: PRAGMAs that change the whole process as SQLite compiles them", () => {
  it.each([
    ["PRAGMA temp_store_directory = '/tmp'", false],
    ["pragma TEMP_STORE_DIRECTORY('/tmp')", false],
    ["PRAGMA main.temp_store_directory = '/tmp'", false],
    ['PRAGMA "main" /* x */ . "temp_store_directory" = \'/tmp\'', false],
    ["PRAGMA [temp_store_directory] = ''", false],
    ["PRAGMA `temp_store_directory`=x", false],
    ["PRAGMA 'temp_store_directory' = '/tmp'", false],
    ['PRAGMA "temp_store_""directory" = 1', true], // another name
    ["EXPLAIN PRAGMA temp_store_directory = '/tmp'", false],
    ["explain query plan pragma temp_store_directory = '/tmp'", false],
    ["/* c */ ;; -- x\n PRAGMA/**/temp_store_directory/**/='/tmp'", false],
    ["\uFEFFPRAGMA \uFEFFtemp_store_directory = '/tmp'", false], // U+FEFF starting a token is a space to SQLite
    ["PRAGMA \v\ftemp_store_directory\r\n=\t'/tmp'", false],
    ["PRAGMA temp_store_directory = '/tmp' garbage", false], // applied before the syntax error
    ["PRAGMA temp_store_directory; PRAGMA temp_store_directory = '/tmp'", false],
    ["PRAGMA soft_heap_limit = 1", false],
    ["PRAGMA hard_heap_limit(1)", false],
    ["PRAGMA temp.Hard_Heap_Limit = -1", false],
    ["PRAGMA data_store_directory = 'C:\\x'", false],
    // Reading them changes nothing; other pragmas are judged by SQLite (and stay on their connection).
    ["PRAGMA temp_store_directory", true],
    ["PRAGMA hard_heap_limit;;", true],
    ["PRAGMA main.soft_heap_limit -- just reading", true],
    ["PRAGMA temp_store = 2", true],
    ["PRAGMA temp_store_directoryx = 1", true],
    ["PRAGMA \u00e9temp_store_directory = 1", true],
    ["PRAGMA\uFEFFtemp_store_directory = '/tmp'", true], // within a word it is a letter: one name, no PRAGMA
    ["PRAGMA 'temp_store_directory", true], // unterminated: SQLite stops at the token
    ["SELECT 'PRAGMA temp_store_directory = 1'", true],
    ["SELECT * FROM pragma_hard_heap_limit", true],
    ["-- PRAGMA temp_store_directory = 1\nSELECT 1", true],
  ])("%j → %s", (sql, allowed) => {
    expect(verdictBeforePrepare(sql).ok).toBe(allowed);
  });

  it.each([
    ["PRAGMA locking_mode = EXCLUSIVE", false],
    ["pragma main.Locking_Mode(exclusive)", false],
    ["PRAGMA busy_timeout = 0", false],
    ["PRAGMA query_only = 1", false],
    ['PRAGMA "journal_mode" = delete', false],
    ["PRAGMA journal_mode = WAL", false],
    ["PRAGMA max_page_count = 1", false],
    ["PRAGMA locking_mode", true],
    ["PRAGMA max_page_count", true],
    ["PRAGMA busy_timeout;", true],
    ["PRAGMA journal_mode", true],
    ["PRAGMA cache_size = 10", true],
    ["EXPLAIN PRAGMA journal_mode = WAL", true],
    ["SELECT * FROM pragma_busy_timeout", true],
  ])("settings the server keeps on its connections: %j → %s", (sql, allowed) => {
    const result = verdictBeforePrepare(sql);
    expect(result.ok).toBe(allowed);
    if (!result.ok) expect(result.reason).toMatch(/setting this server keeps.*alone reads it/);
  });

  it("reads names as SQLite's tokenizer does", () => {
    expect(pragmaShape('PRAGMA "a""b" . [c d]')).toEqual({ name: "c d", more: false, schema: 'a"b' });
    expect(pragmaShape("pragma 'X' (1)")).toEqual({ name: "x", more: true });
    expect(pragmaShape("PRAGMA")).toEqual({ name: undefined, more: false });
    expect(pragmaShape("SELECT 1")).toBeUndefined();
  });

  it("lists every pragma this SQLite applies to the whole process while compiling, and only those", () => {
    // Run apart: a hard heap limit, once set, stays for the life of the process.
    const sqlite = createRequire(import.meta.url).resolve("better-sqlite3");
    const report = JSON.parse(
      execFileSync(process.execPath, ["-e", LEAK_PROBE, sqlite, JSON.stringify([...PROCESS_WIDE_PRAGMAS]), tmpdir()], {
        encoding: "utf8",
      }),
    ) as { listed: string[]; leaks: string[]; proven: string[] };
    expect(report.listed.length).toBeGreaterThan(50);
    expect(report.leaks).toEqual([]);
    expect(report.proven).toEqual([...PROCESS_WIDE_PRAGMAS].filter((name) => report.listed.includes(name)));
  });
});

describe("isBarePragmaRead: PRAGMAs SQLite flags as writing that, bare, only read", () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it.each([
    ["PRAGMA journal_mode", true],
    ["/* a */ ;pragma Journal_Mode;", true],
    ["PRAGMA aux.journal_mode", true],
    ['PRAGMA "journal_mode"', true],
    ["PRAGMA journal_mode = WAL", false],
    ["PRAGMA journal_mode(delete)", false],
    ["PRAGMA journal_mode -- x\n = off", false],
    ["EXPLAIN PRAGMA journal_mode", false],
    ["PRAGMA wal_checkpoint", false],
    ["SELECT * FROM pragma_journal_mode", false],
  ])("%j → %s", (sql, expected) => {
    expect(isBarePragmaRead(sql)).toBe(expected);
  });

  it("knows every bare pragma SQLite flags as writing: journal_mode only reads, the others do write", () => {
    const db = new Database(join(tmp.dir, "bare.db"));
    db.pragma("journal_mode = WAL");
    const names = db.prepare("SELECT name FROM pragma_pragma_list ORDER BY name").pluck().all() as string[];
    const flagged = names.filter((name) => {
      if (PROCESS_WIDE_PRAGMAS.has(name)) return false;
      try {
        return !db.prepare(`PRAGMA ${name}`).readonly;
      } catch {
        return false;
      }
    });
    db.close();
    // A checkpoint copies the WAL into the database; incremental_vacuum frees pages. Any new name here needs a look.
    expect(flagged).toEqual(["incremental_vacuum", "journal_mode", "wal_checkpoint"]);
    expect([...READ_ONLY_BARE_PRAGMAS]).toEqual(["journal_mode"]);
  });
});

/**
 * Compiles `PRAGMA name = value` (never runs it) on a throwaway connection for every pragma SQLite lists, then reads
 * every pragma on a fresh connection: `leaks` are settings that changed there although the pragma is not in the
 * list given, `proven` the listed ones that did change (the hard heap limit last, since it cannot be undone).
 */
const LEAK_PROBE = `
const [Database, refused, dir] = [require(process.argv[1]), JSON.parse(process.argv[2]), process.argv[3]];
const listed = new Database(":memory:").prepare("SELECT name FROM pragma_pragma_list").pluck().all();
const read = (db, name) => { try { return JSON.stringify(db.prepare("PRAGMA " + name).raw().all()); } catch (e) { return e.message; } };
const readAll = () => { const db = new Database(":memory:"); const all = listed.map((name) => read(db, name)); db.close(); return all; };
const compile = (sql) => { const db = new Database(":memory:"); try { db.prepare(sql); } catch {} db.close(); };
const changed = (base) => { const now = readAll(); return listed.filter((_, i) => now[i] !== base[i]); };
const base = readAll();
const leaks = [];
for (const name of listed.filter((n) => !refused.includes(n))) {
  for (const value of ["1", "-1", "0", "'" + dir + "'", "'memory'"]) {
    compile("PRAGMA " + name + " = " + value);
    for (const other of changed(base)) leaks.push("PRAGMA " + name + " = " + value + " changed " + other);
  }
}
const proven = [];
const lastly = (n) => (n === "hard_heap_limit" ? 1 : 0);
for (const name of refused.filter((n) => listed.includes(n)).sort((a, b) => lastly(a) - lastly(b))) {
  compile("PRAGMA " + name + " = " + (name.endsWith("directory") ? "'" + dir + "'" : "1000000"));
  if (changed(base).includes(name)) proven.push(name);
  compile("PRAGMA " + name + " = " + (name.endsWith("directory") ? "''" : "0"));
}
process.stdout.write(JSON.stringify({ listed, leaks, proven: refused.filter((n) => proven.includes(n)) }));
`;
