import { describe, expect, it } from "vitest";
import { fitTableContent } from "../../src/resources/table-fit.js";

const column = (i: number) => ({ name: `column_${i}`, type: "TEXT", notNull: false, default: null, primaryKey: 0 });
const wide = (n: number) => ({
  name: "it's wide",
  type: "table",
  columns: Array.from({ length: n }, (_, i) => column(i)),
  indexes: [{ name: "wide_0", columns: ["column_0"], unique: false, origin: "create index", partial: false }],
  foreignKeys: [],
  rowCount: 3,
  sql: `CREATE TABLE "it's wide" (${Array.from({ length: n }, (_, i) => `column_${i} TEXT`).join(", ")})`,
  firstRows: null,
  note: "no first rows: the description fills the response cap",
});
const caps = { maxBytes: 5000, maxBytesSetting: "--max-bytes N" };

describe("fitTableContent", () => {
  it("returns content that fits as it is", () => {
    const content = wide(3);
    expect(fitTableContent(content, caps)).toBe(content);
  });

  it.each([
    [300, 5000],
    [300, 1000],
    [20, 1000],
    [2000, 100_000],
  ])("cuts %i columns to valid JSON within %i bytes, saying what was left out", (n, maxBytes) => {
    const text = JSON.stringify(fitTableContent(wide(n), { ...caps, maxBytes }));
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(maxBytes);
    const value = JSON.parse(text);
    expect(value).toMatchObject({ name: "it's wide", type: "table", rowCount: 3, truncated: true });
    const shown = value.columns.length;
    expect(value.columns).toEqual(wide(n).columns.slice(0, shown));
    expect(wide(n).sql.startsWith(value.sql)).toBe(true);
    expect(value.note).toContain(`showing ${shown} of ${n} columns`);
    expect(value.note).toContain(`${maxBytes}-byte response cap (set by --max-bytes N)`);
    expect(value.note).toContain("pragma_table_xinfo('it''s wide') LIMIT 100 OFFSET 0");
  });

  it("keeps the indexes and the CREATE statement when only the columns are long", () => {
    const content = { ...wide(3), columns: Array.from({ length: 200 }, (_, i) => column(i)) };
    const value = fitTableContent(content, caps);
    expect(value.indexes).toEqual(content.indexes);
    expect(value.sql).toBe(content.sql);
    expect(value.note).toMatch(/showing \d+ of 200 columns, no first rows\./);
  });

  it("keeps the columns ahead of long triggers, and says how many triggers it left out", () => {
    const trigger = (i: number) => ({
      name: `t${i}`,
      sql: `CREATE TRIGGER t${i} AFTER UPDATE ON x BEGIN ${"SELECT 1; ".repeat(40)}END`,
    });
    const content = { ...wide(20), triggers: Array.from({ length: 30 }, (_, i) => trigger(i)) };
    const value = fitTableContent(content, caps);
    expect(value.columns).toEqual(content.columns);
    const kept = (value.triggers as unknown[]).length;
    expect(value.triggers).toEqual(content.triggers.slice(0, kept));
    expect(value.note).toContain(`showing ${kept} of 30 triggers`);
    expect(value.note).toContain("WHERE type = 'trigger' AND tbl_name = ? for its triggers");
  });
});
