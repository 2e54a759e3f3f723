import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import {
  isExplain,
  type SqlTool,
  type StatementFacts,
  type StatementKind,
  statementKind,
  textVerdict,
  verdict,
} from "../src/sql-policy.js";
import { factsOf } from "../src/statements.js";

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
    const facts = factsOf(db, stmt, sql, "write", [], ANY);
    expect(facts).toMatchObject({ readonly, reader, kind });
    // …and the verdict for each tool follows from them (a query skips classifying what reads rows and writes nothing).
    for (const tool of ["query", "write", "transaction"] as const) {
      expect(verdict(tool, factsOf(db, stmt, sql, tool, [], ANY), ANY).ok, tool).toBe(asked[tool]);
    }
  });

  it("refuses stacked statements at prepare(), before anything runs", () => {
    expect(() => db.prepare("SELECT 1; DROP TABLE t")).toThrow(/more than one statement/);
    expect(db.prepare("SELECT count(*) FROM t").pluck().get()).toBe(0);
  });
});

describe("textVerdict: text SQLite would stop reading part-way", () => {
  it.each([
    ["DELETE FROM t\0 WHERE a = 1", false],
    ["SELECT 1\0; DROP TABLE t", false],
    ["SELECT 'a\0b'", false],
    ["\0", false],
    ["SELECT 'a' || char(0) || 'b'", true],
    ["SELECT '\\0'", true],
  ])("%j: %s", (sql, allowed) => {
    const result = textVerdict(sql);
    expect(result.ok).toBe(allowed);
    if (!result.ok) expect(result.reason).toMatch(/NUL character \(U\+0000\) at index \d+.*char\(0\)/);
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
    ["query", facts(true, false, "attach"), { ...ALLOW, readOnly: true }, false],
    ["query", facts(false, false, "vacuum-into"), { ...ALLOW, readOnly: true }, false],
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
    expect(refusal(verdict("query", facts(false, false), ANY))).toMatch(
      /writes; execute_query only reads: run it with execute_write$/,
    );
    // A read-only server's refusals name only the tools it offers.
    const readOnly = { ...ANY, readOnly: true };
    expect(refusal(verdict("query", facts(false, false), readOnly))).toBe(
      "SQLite reports that this statement writes, and this server is read-only: it offers only execute_query, list_tables and describe_table, which change nothing",
    );
    expect(refusal(verdict("query", facts(true, false, "transaction-control"), readOnly))).toBe(
      "transaction control is not taken: this server is read-only, so it offers only execute_query, list_tables and describe_table, and each query reads on its own; send the query alone",
    );
    expect(refusal(verdict("query", facts(true, false, "attach"), ANY))).toMatch(/allowAttach: true/);
    expect(refusal(verdict("query", facts(true, false, "attach"), ALLOW))).toMatch(
      /one call only.*execute_transaction/,
    );
    expect(refusal(verdict("write", facts(true, false, "attach"), ALLOW))).toMatch(
      /one call only.*execute_transaction/,
    );
    // A read-only server offers neither execute_transaction nor execute_write: the refusal says so, allowed or not.
    for (const options of [ANY, ALLOW]) {
      const readOnly = { ...options, readOnly: true };
      expect(refusal(verdict("query", facts(true, false, "attach"), readOnly))).toBe(
        "ATTACH/DETACH opens other database files, which only execute_transaction takes, and this server is read-only, so it offers only execute_query, list_tables and describe_table; query the tables of main",
      );
      expect(refusal(verdict("query", facts(false, false, "vacuum-into"), readOnly))).toBe(
        "VACUUM INTO writes a copy to another file, which only execute_write takes, and this server is read-only, so it offers only execute_query, list_tables and describe_table",
      );
    }
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
