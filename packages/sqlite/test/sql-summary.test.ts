import { describe, expect, it } from "vitest";
import { querySummary } from "../src/sql-summary.js";

describe("querySummary", () => {
  it.each([
    ["SELECT id FROM books WHERE title = 'secret'", "SELECT books"],
    ["select * from a join b on a.id = b.id", "SELECT a b"],
    ["INSERT INTO books (title) VALUES (?)", "INSERT books"],
    ["UPDATE books SET title = 'x' WHERE id = 1", "UPDATE books"],
    ['DELETE FROM "odd name" WHERE 1', 'DELETE "odd name"'],
    ["CREATE TABLE IF NOT EXISTS t (a)", "CREATE t"],
    ["WITH x AS (SELECT 1) SELECT * FROM x", "WITH x"],
    ["-- a comment\nSELECT 1", "SELECT"],
    ["/* FROM secret */ SELECT 2", "SELECT"],
    ["SELECT 'FROM secret_table' AS s", "SELECT"],
    ["SELECT x'DEADBEEF'", "SELECT"],
    ["", ""],
    ["   ", ""],
    ["SELECT * FROM main.books", "SELECT main.books"],
  ])("%j → %j", (sql, summary) => {
    expect(querySummary(sql)).toBe(summary);
  });

  it("never carries a literal, even an unterminated one", () => {
    expect(querySummary("SELECT * FROM t WHERE a = 'never-shown")).toBe("SELECT t");
  });

  it("stays short enough to group by", () => {
    const sql = `SELECT * FROM ${Array.from({ length: 100 }, (_, i) => `table_number_${i}`).join(" JOIN ")}`;
    expect(querySummary(sql).length).toBeLessThanOrEqual(255);
  });
});
