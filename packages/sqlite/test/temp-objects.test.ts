import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { StatementCache } from "../src/statement-cache.js";
import { dropTempObjects, newTempObjects, tempLeftError, tempObjects } from "../src/temp-objects.js";

describe("newTempObjects: what a call added to the temp schema", () => {
  const t = (type: string, name: string) => ({ type, name });
  it.each([
    [[], [], []],
    [[], [t("table", "a")], [t("table", "a")]],
    [[t("table", "a")], [t("table", "a")], []],
    [[t("table", "a")], [t("table", "a"), t("trigger", "a")], [t("trigger", "a")]],
    [[t("table", "a")], [], []],
    [[t("table", "a\u0000b")], [t("table", "a"), t("table", "a\u0000b")], [t("table", "a")]],
  ])("before %j, after %j → %j", (before, after, added) => {
    expect(newTempObjects(before, after)).toEqual(added);
  });
});

describe("tempObjects and dropTempObjects on a real connection", () => {
  it("lists every kind in creation order and drops them all, odd names included", () => {
    const db = new Database(":memory:");
    const cache = new StatementCache();
    db.exec(`CREATE TABLE main_t (x);
      CREATE TEMP TABLE "we""ird" (x);
      CREATE INDEX temp.i ON "we""ird" (x);
      CREATE TEMP VIEW v AS SELECT 1;
      CREATE TEMP TRIGGER tr AFTER INSERT ON main_t BEGIN SELECT 1; END;`);
    const objects = tempObjects(cache, db);
    expect(objects).toEqual([
      { type: "table", name: 'we"ird' },
      { type: "index", name: "i" },
      { type: "view", name: "v" },
      { type: "trigger", name: "tr" },
    ]);
    dropTempObjects(db, objects);
    expect(tempObjects(cache, db)).toEqual([]);
    expect(db.prepare("SELECT name FROM sqlite_master").pluck().all()).toEqual(["main_t"]);
    db.close();
  });

  it("names them in the refusal, with what to do instead", () => {
    const error = tempLeftError([{ type: "table", name: "tt" }], "it was dropped again, so nothing changed");
    expect(error.message).toMatch(
      /^TEMP table "tt" would stay on this server's write connection.*execute_query.*cannot see it.*nothing changed\. Use a regular table.*within one execute_transaction$/,
    );
    expect(error.refusal).toBe("sql_policy");
  });
});
