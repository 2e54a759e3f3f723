import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { settingsSetBy } from "../src/connection-settings.js";
import { restoreSettings, saveSettings } from "../src/settings-restore.js";

describe("saveSettings / restoreSettings", () => {
  const within = (db: Database.Database, sqls: string[]) => {
    const saved = saveSettings(db, settingsSetBy(sqls));
    for (const sql of sqls) db.exec(sql);
    restoreSettings(db, saved);
  };

  it("puts back what the statements changed, on the schema they named", () => {
    const db = new Database(":memory:");
    db.pragma("temp.cache_size = 77");
    const before = [db.pragma("cache_size", { simple: true }), db.pragma("temp.cache_size", { simple: true })];
    within(db, ["PRAGMA cache_size = 5", "PRAGMA temp.cache_size = 6", "PRAGMA ignore_check_constraints = ON"]);
    expect([db.pragma("cache_size", { simple: true }), db.pragma("temp.cache_size", { simple: true })]).toEqual(before);
    expect(db.pragma("ignore_check_constraints", { simple: true })).toBe(0);
    db.close();
  });

  it.each([0, 1])("puts back case_sensitive_like, which cannot be read, from how LIKE behaves (%i)", (server) => {
    const db = new Database(":memory:");
    db.pragma(`case_sensitive_like = ${server}`);
    const like = () => db.prepare("SELECT 'a' LIKE 'A'").pluck().get();
    const before = like();
    within(db, [`PRAGMA case_sensitive_like = ${1 - server}`]);
    expect(like()).toBe(before);
    db.close();
  });

  it("skips a setting with no value to read, and one whose schema is gone", () => {
    const db = new Database(":memory:");
    expect(saveSettings(db, [{ name: "mmap_size" }, { name: "cache_size", schema: "nowhere" }])).toEqual([]);
    expect(() => restoreSettings(db, [{ ref: { name: "cache_size", schema: "gone" }, value: 5 }])).not.toThrow();
    db.close();
  });
});
