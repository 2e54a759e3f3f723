import { describe, expect, it } from "vitest";
import { isPragma, startsWithExplain } from "../src/sql-shape.js";

describe("isPragma", () => {
  it.each([
    ["PRAGMA query_only = 0", true],
    ["pragma locking_mode=exclusive", true],
    ["  /* a */ -- b\n ;; PRAGMA cache_size(1)", true],
    ["EXPLAIN QUERY PLAN PRAGMA x", true],
    ["explain/**/pragma\tq", true],
    ["/* unclosed PRAGMA", false],
    ["SELECT * FROM pragma_table_info('t')", false],
    ["SELECT 'PRAGMA x'", false],
    ["pragmatic", false],
    ["explained", false],
    ["-- PRAGMA x", false],
  ])("%j → %s", (sql, expected) => {
    expect(isPragma(sql)).toBe(expected);
  });
});

describe("startsWithExplain", () => {
  it.each([
    ["EXPLAIN SELECT 1", true],
    ["explain query plan delete from t", true],
    ["  /* a */ -- b\n ;; Explain\tINSERT INTO t VALUES (1)", true],
    ["explain/**/select 1", true],
    ["EXPLAIN", true],
    ["explained", false],
    ["explain_me", false],
    ["SELECT 'EXPLAIN'", false],
    ["/* EXPLAIN */ SELECT 1", false],
    ["-- EXPLAIN\nDELETE FROM t", false],
    ["WITH explain AS (SELECT 1) SELECT * FROM explain", false],
  ])("%j → %s", (sql, expected) => {
    expect(startsWithExplain(sql)).toBe(expected);
  });
});
