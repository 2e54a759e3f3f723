import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { type Loss, type LossStep, lossesOf } from "../src/loss-policy.js";

const step = (opcode: string, p1 = 0, p2 = 0, p3 = 0, p4: unknown = null) => ({ opcode, p1, p2, p3, p4 });
/** A program from steps, numbered from 0 as EXPLAIN numbers them. */
const program = (...steps: Omit<LossStep, "addr">[]): LossStep[] => steps.map((s, addr) => ({ addr, ...s }));
// The row-by-row delete of every row of a table with a DELETE trigger (root page 4): a first loop collects rowids.
const ROW_BY_ROW = [
  step("Init", 0, 12),
  step("Null", 0, 1),
  step("OpenRead", 0, 4),
  step("Rewind", 0, 7),
  step("Rowid", 0, 2),
  step("RowSetAdd", 1, 2),
  step("Next", 0, 4),
  step("OpenWrite", 0, 4),
  step("RowSetRead", 1, 11),
  step("NotExists", 0, 10),
  step("Delete", 0, 1),
  step("Goto", 0, 8),
  step("Halt"),
];

describe("lossesOf (pure, over programs)", () => {
  it.each<[string, Omit<LossStep, "addr">[], Loss[]]>([
    ["no program steps", [], []],
    ["a read", [step("OpenRead", 0, 2), step("Rewind"), step("Column"), step("ResultRow"), step("Next")], []],
    [
      "DROP TABLE: Destroy steps for the table and its index, then DropTable naming it",
      [step("Destroy", 3, 2), step("Destroy", 2, 2), step("DropTable", 0, 0, 0, "t")],
      [{ kind: "drop-table", db: 0, name: "t" }],
    ],
    ["DROP VIEW (no pages to destroy)", [step("DropTable", 0, 0, 0, "v")], [{ kind: "drop-table", db: 0, name: "v" }]],
    [
      "DROP INDEX",
      [step("Destroy", 3, 2), step("DropIndex", 0, 0, 0, "ib")],
      [{ kind: "drop-index", db: 0, name: "ib" }],
    ],
    ["DROP TRIGGER", [step("DropTrigger", 0, 0, 0, "tr")], [{ kind: "drop-trigger", db: 0, name: "tr" }]],
    ["a temp table (schema 1)", [step("DropTable", 1, 0, 0, "tt")], [{ kind: "drop-table", db: 1, name: "tt" }]],
    [
      "DELETE without WHERE: Clear on the table (counting rows), not on its indexes",
      [step("Clear", 2, 0, -1, "t"), step("Clear", 3, 0, 0)],
      [{ kind: "clear", db: 0, rootPage: 2 }],
    ],
    ["a WITHOUT ROWID table (no name in P4)", [step("Clear", 7, 0, -1)], [{ kind: "clear", db: 0, rootPage: 7 }]],
    ["Clear counting into a register (P3 > 0)", [step("Clear", 4, 2, 5)], [{ kind: "clear", db: 2, rootPage: 4 }]],
    ["Clear of an index only (P3 = 0)", [step("Clear", 3, 0, 0)], []],
    ["a row-by-row DELETE", [step("OpenWrite", 0, 2), step("Rewind"), step("Delete", 0, 1, 0, "t"), step("Next")], []],
    ["a drop step without a name", [step("DropTable", 0, 0, 0, null)], []],
    [
      "the same object twice is reported once",
      [step("DropTable", 0, 0, 0, "t"), step("DropTable", 0, 0, 0, "t")],
      [{ kind: "drop-table", db: 0, name: "t" }],
    ],
    ["DELETE without WHERE, row by row", ROW_BY_ROW, [{ kind: "clear", db: 0, rootPage: 4 }]],
    [
      "the same with a constant WHERE checked before the loop (WHERE ?, WHERE 0)",
      [ROW_BY_ROW[0], step("IfNot", 2, 7), ...ROW_BY_ROW.slice(2)] as LossStep[],
      [],
    ],
    [
      "the same with a filter in the loop (WHERE x)",
      [...ROW_BY_ROW.slice(0, 4), step("IfNot", 2, 6), ...ROW_BY_ROW.slice(5)] as LossStep[],
      [],
    ],
    [
      "the same where the delete does not count changes (SQLite's own bookkeeping)",
      ROW_BY_ROW.map((s) => (s.opcode === "Delete" ? { ...s, p2: 0 } : s)),
      [],
    ],
    ["the same where the delete is on another table", ROW_BY_ROW.map((s, i) => (i === 7 ? { ...s, p2: 5 } : s)), []],
  ])("%s", (_what, steps, expected) => {
    expect(lossesOf(program(...steps))).toEqual(expected);
  });
});

describe("lossesOf over SQLite's own programs", () => {
  const db = new Database(":memory:");
  db.exec(`CREATE TABLE t (a INTEGER PRIMARY KEY, b); CREATE INDEX ib ON t (b); CREATE VIEW v AS SELECT * FROM t;
    CREATE TABLE w (k TEXT PRIMARY KEY, v) WITHOUT ROWID; CREATE TRIGGER tr AFTER INSERT ON w BEGIN SELECT 1; END;
    CREATE TEMP TABLE tt (z);
    CREATE TABLE logged (x); CREATE TRIGGER on_delete AFTER DELETE ON logged BEGIN SELECT 1; END;
    CREATE TABLE wlogged (k TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TRIGGER won_delete AFTER DELETE ON wlogged BEGIN SELECT 1; END;
    CREATE TABLE parent (id INTEGER PRIMARY KEY, u UNIQUE); CREATE TABLE child (pid REFERENCES parent (id));
    CREATE VIEW lv AS SELECT * FROM logged; CREATE TRIGGER lv_delete INSTEAD OF DELETE ON lv BEGIN SELECT 1; END;
    PRAGMA foreign_keys = ON;`);
  afterAll(() => db.close());
  const kindsOf = (sql: string) =>
    lossesOf(db.prepare(`EXPLAIN ${sql}`).all({ x: 1 }) as LossStep[]).map(
      (l) => `${l.kind}:${"name" in l ? l.name : ""}`,
    );

  it.each([
    ["DROP TABLE t", ["drop-table:t"]],
    ['/* tidy */ drop   table\n"t"', ["drop-table:t"]],
    ["DROP VIEW v", ["drop-table:v"]],
    ["DROP INDEX ib", ["drop-index:ib"]],
    ["DROP TRIGGER tr", ["drop-trigger:tr"]],
    ["DROP TABLE temp.tt", ["drop-table:tt"]],
    ["DROP TABLE IF EXISTS nowhere", []],
    ["DELETE FROM t", ["clear:"]],
    ["DELETE FROM w", ["clear:"]],
    ["DELETE FROM t WHERE 1", ["clear:"]],
    ["DELETE FROM t RETURNING a", ["clear:"]],
    ["DELETE FROM w RETURNING k", ["clear:"]],
    ["DELETE FROM logged", ["clear:"]],
    ["DELETE FROM wlogged", ["clear:"]],
    ["DELETE FROM parent", ["clear:"]],
    ["DELETE FROM logged WHERE x > 1", []],
    ["DELETE FROM logged WHERE :x", []],
    ["DELETE FROM logged WHERE 0", []],
    ["DELETE FROM logged WHERE rowid > 3", []],
    ["DELETE FROM logged WHERE rowid IN (SELECT 1)", []],
    ["DELETE FROM t LIMIT 5", []],
    ["DELETE FROM t WHERE b IS NOT NULL", []],
    ["DELETE FROM lv", []],
    ["DELETE FROM t WHERE a = 1", []],
    ["DELETE FROM t WHERE b > 5", []],
    ["UPDATE t SET b = 1", []],
    ["UPDATE t SET a = a + 1", []],
    ["UPDATE logged SET x = 1", []],
    ["UPDATE wlogged SET k = k || 'x'", []],
    ["REPLACE INTO t SELECT * FROM t", ["replace:"]],
    ["REPLACE INTO t (a, b) VALUES (1, 2)", ["replace:"]],
    ["INSERT OR REPLACE INTO parent VALUES (1, 2)", ["replace:"]],
    ["INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT DO UPDATE SET b = 3", []],
    ["INSERT OR IGNORE INTO parent VALUES (1, 2)", []],
    ["INSERT INTO parent VALUES (1, 2) ON CONFLICT DO NOTHING", []],
    ["INSERT OR ABORT INTO parent VALUES (1, 2)", []],
    ["INSERT INTO logged VALUES (1)", []],
    ["INSERT INTO logged SELECT x FROM logged", []],
    ["INSERT INTO t (b) VALUES (1)", []],
    ["CREATE TABLE n (x)", []],
    ["ALTER TABLE t RENAME TO t2", []],
    ["SELECT * FROM t", []],
  ])("%s", (sql, expected) => {
    expect(kindsOf(sql)).toEqual(expected);
  });
});
