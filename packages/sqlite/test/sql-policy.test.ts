import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import {
  isBarePragmaRead,
  isExplain,
  PROCESS_WIDE_PRAGMAS,
  pragmaShape,
  READ_ONLY_BARE_PRAGMAS,
  type SqlTool,
  type StatementFacts,
  type StatementKind,
  statementKind,
  verdict,
  verdictBeforePrepare,
} from "../src/sql-policy.js";
import { factsOf } from "../src/statements.js";
import { tempDir } from "./helpers.js";

const ANY = { allowAttach: false };
const ALLOW = { allowAttach: true };

/**
 * The table, extended: each statement with SQLite's flags, the kind read from its program, and whether
 * execute_query / execute_write / execute_transaction may run it with ATTACH not allowed.
 */
const TABLE: [
  sql: string,
  readonly: boolean,
  reader: boolean,
  kind: StatementKind,
  query: boolean,
  write: boolean,
  txn: boolean,
][] = [
  ["SELECT * FROM t", true, true, "other", true, false, true],
  ["WITH x AS (SELECT 1) SELECT * FROM x", true, true, "other", true, false, true],
  ["PRAGMA table_info(t)", true, true, "other", true, false, true],
  ["EXPLAIN QUERY PLAN SELECT * FROM t", true, true, "explain", true, false, false],
  ["EXPLAIN QUERY PLAN INSERT INTO t VALUES (1)", false, true, "explain", true, false, false],
  [" ;/* x */ explain\nupdate t set a = 1", false, true, "explain", true, false, false],
  ["EXPLAIN ATTACH '/tmp/other.db' AS o", true, true, "explain", true, false, false],
  ["EXPLAIN PRAGMA journal_mode = DELETE", false, true, "explain", true, false, false],
  ["SELECT 1 AS id, 2 AS parent, 3 AS notused, 4 AS detail", true, true, "other", true, false, true],
  ["PRAGMA journal_mode", false, true, "pragma-read", true, false, true],
  ["pragma main . JOURNAL_MODE ;", false, true, "pragma-read", true, false, true],
  ["  /* lead */ select\n1 -- trail", true, true, "other", true, false, true],
  ["DELETE FROM t", false, false, "other", false, true, true],
  ["WITH x AS (SELECT 1) DELETE FROM t", false, false, "other", false, true, true],
  ["PRAGMA user_version = 7", false, false, "other", false, true, true],
  ["VACUUM INTO '/tmp/elsewhere.db'", false, false, "vacuum-into", false, false, false],
  ["/* x */ vacuum main into 'copy.db'", false, false, "vacuum-into", false, false, false],
  ["VACUUM", false, false, "other", false, true, true],
  ["ANALYZE", false, false, "other", false, true, true],
  ["PRAGMA journal_mode=DELETE", false, true, "other", false, true, true],
  ["PRAGMA wal_checkpoint", false, true, "other", false, true, true],
  ["EXPLAIN DELETE FROM t", false, true, "explain", true, false, false],
  ["INSERT INTO t VALUES (1) RETURNING *", false, true, "other", false, true, true],
  ["ATTACH '/tmp/other.db' AS o", true, false, "attach", false, false, false],
  ["/* c */ attach database 'x.db' as y", true, false, "attach", false, false, false],
  ["DETACH o", true, false, "attach", false, false, false],
  ["BEGIN", true, false, "transaction-control", false, false, false],
  ["COMMIT", true, false, "transaction-control", false, false, false],
  ["ROLLBACK", true, false, "transaction-control", false, false, false],
  ["SAVEPOINT s", true, false, "transaction-control", false, false, false],
  ["RELEASE s", true, false, "transaction-control", false, false, false],
  ["REINDEX", true, false, "other", false, true, true],
  ["PRAGMA query_only = 0", true, false, "other", false, true, true],
  ["PRAGMA writable_schema = 1", true, false, "other", false, true, true],
  ["CREATE TEMP TABLE z(a)", false, false, "other", false, true, true],
  ["CREATE TABLE u(a)", false, false, "other", false, true, true],
  ["DROP TABLE t", false, false, "other", false, true, true],
];

describe("the verdict, checked against SQLite's own answer", () => {
  const db = new Database(":memory:");
  db.exec("CREATE TABLE t(a)");
  afterAll(() => db.close());

  it.each(TABLE)("%s", (sql, readonly, reader, kind, query, write, txn) => {
    const stmt = db.prepare(sql);
    const asked: Record<SqlTool, boolean> = { query, write, transaction: txn };
    // The engine's flags and kind are what the table says…
    const facts = factsOf(db, stmt, sql, "write", []);
    expect(facts).toMatchObject({ readonly, reader, kind });
    // …and the verdict for each tool follows from them (a query skips classifying what reads rows and writes nothing).
    for (const tool of ["query", "write", "transaction"] as const) {
      expect(verdict(tool, factsOf(db, stmt, sql, tool, []), ANY).ok, tool).toBe(asked[tool]);
    }
  });

  it("refuses stacked statements at prepare(), before anything runs", () => {
    expect(() => db.prepare("SELECT 1; DROP TABLE t")).toThrow(/more than one statement/);
    expect(db.prepare("SELECT count(*) FROM t").pluck().get()).toBe(0);
  });
});

describe("verdict (pure)", () => {
  const facts = (readonly: boolean, reader: boolean, kind: StatementKind = "other"): StatementFacts => ({
    readonly,
    reader,
    kind,
  });

  it.each([
    ["query", facts(true, true), ANY, true],
    ["query", facts(false, false), ANY, false],
    ["query", facts(false, true), ANY, false],
    ["query", facts(true, false), ANY, false],
    ["query", facts(true, false, "attach"), ANY, false],
    ["query", facts(true, false, "attach"), ALLOW, false],
    ["query", facts(false, false, "vacuum-into"), ALLOW, false],
    ["write", facts(false, false, "vacuum-into"), ALLOW, true],
    ["write", facts(true, false, "attach"), ALLOW, false],
    ["transaction", facts(true, false, "attach"), ALLOW, true],
    ["write", facts(true, false, "transaction-control"), ALLOW, false],
    ["transaction", facts(true, false, "transaction-control"), ALLOW, false],
    ["write", facts(true, true), ANY, false],
    ["transaction", facts(true, true), ANY, true],
    ["write", facts(false, false, "unknown"), ANY, false],
    ["write", facts(false, true), ANY, true],
    ["query", facts(false, true, "explain"), ANY, true],
    ["write", facts(false, true, "explain"), ANY, false],
    ["transaction", facts(false, true, "explain"), ANY, false],
    ["query", facts(false, true, "pragma-read"), ANY, true],
    ["write", facts(false, true, "pragma-read"), ANY, false],
    ["transaction", facts(false, true, "pragma-read"), ANY, true],
  ] as const)("%s %o %o → %s", (tool, f, options, allowed) => {
    expect(verdict(tool, f, options).ok).toBe(allowed);
  });

  it("says why, and what to do instead", () => {
    const refusal = (v: ReturnType<typeof verdict>) => (v.ok ? "" : v.reason);
    expect(refusal(verdict("query", facts(false, false), ANY))).toMatch(/writes.*only reads/);
    expect(refusal(verdict("query", facts(true, false, "attach"), ANY))).toMatch(/allowAttach: true/);
    expect(refusal(verdict("query", facts(true, false, "attach"), ALLOW))).toMatch(
      /one call only.*execute_transaction/,
    );
    expect(refusal(verdict("write", facts(true, false, "attach"), ALLOW))).toMatch(
      /one call only.*execute_transaction/,
    );
    expect(refusal(verdict("write", facts(true, false, "transaction-control"), ANY))).toMatch(/execute_transaction/);
    expect(refusal(verdict("write", facts(true, true), ANY))).toMatch(/execute_query/);
    expect(refusal(verdict("write", facts(false, true, "explain"), ANY))).toMatch(/without running it.*execute_query/);
    expect(refusal(verdict("transaction", facts(true, true, "explain"), ANY))).toMatch(/execute_query/);
    expect(refusal(verdict("write", facts(false, true, "pragma-read"), ANY))).toMatch(/only reads.*execute_query/);
    expect(refusal(verdict("write", facts(false, false, "unknown"), ANY))).not.toMatch(/EXPLAIN statements/);
  });

  it.each([
    [[{ opcode: "Function", p2: 1, p4: "sqlite_attach(3)" }], "attach"],
    [[{ opcode: "Function", p2: 3, p4: "sqlite_detach(1)" }], "attach"],
    [[{ opcode: "Function", p2: 1, p4: "upper(1)" }], "other"],
    [[{ opcode: "Vacuum", p2: 1, p4: null }], "vacuum-into"],
    [[{ opcode: "Vacuum", p2: 0, p4: null }], "other"],
    [[{ opcode: "AutoCommit", p2: 0, p4: null }], "transaction-control"],
    [[{ opcode: "Savepoint", p2: 0, p4: "s" }], "transaction-control"],
    [undefined, "unknown"],
  ] as const)("statementKind(%j) is %s", (program, kind) => {
    expect(statementKind(program)).toBe(kind);
  });
});

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

describe("isExplain: the statement lists a program and never runs it", () => {
  const PROGRAM = ["addr", "opcode", "p1", "p2", "p3", "p4", "p5", "comment"];
  const PLAN = ["id", "parent", "notused", "detail"];
  it.each([
    ["EXPLAIN DELETE FROM t", PROGRAM, true],
    ["explain query plan insert into t values (1)", PLAN, true],
    ["-- x\n;EXPLAIN SELECT 1", PROGRAM, true],
    ["SELECT 1 AS id, 2 AS parent, 3 AS notused, 4 AS detail", PLAN, false],
    ["EXPLAIN SELECT 1", ["addr"], false],
    ["explained", PROGRAM, false],
    ["/* EXPLAIN */ DELETE FROM t", PROGRAM, false],
  ])("%j with columns %j → %s", (sql, columns, expected) => {
    expect(isExplain(sql, columns)).toBe(expected);
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
