import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { countRows, countUntil } from "../src/row-count.js";

describe("countRows", () => {
  const db = new Database(":memory:");
  const fill = (table: string, n: number, columns = "x") =>
    db.exec(`WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${n})
      INSERT INTO ${table} (${columns}) SELECT ${columns
        .split(",")
        .map(() => "i % 7")
        .join(", ")} FROM c`);
  db.exec(`CREATE TABLE big (x); CREATE TABLE small (x); CREATE TABLE shadowed (rowid, _rowid_, x);
    CREATE TABLE keyed (k INTEGER PRIMARY KEY, x) WITHOUT ROWID; CREATE VIRTUAL TABLE docs USING fts5(x);
    CREATE TABLE "odd "" name" (x); CREATE TABLE allnamed (rowid, _rowid_, oid)`);
  fill("big", 250_001);
  fill("small", 12);
  fill("shadowed", 250_001, "rowid, _rowid_, x");
  db.exec(`INSERT INTO keyed SELECT rowid, x FROM small; INSERT INTO docs SELECT x FROM small;
    INSERT INTO "odd "" name" SELECT x FROM small; INSERT INTO allnamed SELECT x, x, x FROM small`);
  afterAll(() => db.close());

  // Tables past one step (100000 rows) are counted along their rowid, even when a column is named rowid.
  it.each([
    ["big", 250_001],
    ["small", 12],
    ["shadowed", 250_001],
    ["keyed", 12],
    ["docs", 12],
    ['odd " name', 12],
    ["allnamed", 12],
  ])("counts %s exactly under the cap", (table, rows) => {
    expect(countRows(db, table)).toEqual({ rowCount: rows });
  });

  it.each([
    ["big", 250_000],
    ["big", 100_000],
    ["shadowed", 200_000],
    ["small", 11],
    ["keyed", 5],
    ["docs", 5],
  ])("says more than the cap when %s has more rows than %i", (table, cap) => {
    const count = countRows(db, table, "main", Number.POSITIVE_INFINITY, cap);
    expect(count.rowCount).toBe(`more than ${cap}`);
    expect(count.rowCountNote).toContain(`counting stops at ${cap} rows; execute_query with SELECT count(*) FROM`);
  });

  it("gives what it counted as a lower bound once its time is up, naming the query that counts all", () => {
    const count = countRows(db, "big", "main", performance.now() - 1);
    expect(count.rowCount).toBe("at least 100000");
    expect(count.rowCountNote).toMatch(
      /^counting stopped after \d+ ms, at 100000 rows; execute_query with SELECT count\(\*\) FROM "main"\."big" counts/,
    );
  });

  it("ends a count at countMs, or halfway to the deadline when that comes first", () => {
    expect(countUntil(1000, undefined, 5000)).toBe(6000);
    expect(countUntil(1000, 8000, 5000)).toBe(6000);
    expect(countUntil(1000, 5400, 5000)).toBe(5200);
    expect(countUntil(1000, 4000, 5000)).toBe(4500);
  });
});
