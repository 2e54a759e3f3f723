import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { describeTable } from "../src/catalog.js";
import { findTable } from "../src/table-lookup.js";

describe("findTable", () => {
  const db = new Database(":memory:");
  db.exec(`CREATE TABLE users (id INTEGER PRIMARY KEY); CREATE TABLE "my table" (a); CREATE TABLE "odd.name" (b);
    CREATE VIEW v AS SELECT 1; ATTACH ':memory:' AS aux; CREATE TABLE aux.t (c TEXT, d); CREATE INDEX aux.t_c ON t (c);
    INSERT INTO aux.t VALUES ('x', 1), ('y', 2); CREATE TEMP TABLE scratch (e)`);
  afterAll(() => db.close());

  it.each([
    ["users", "main", "users"],
    ["USERS", "main", "users"],
    ["main.users", "main", "users"],
    ['"main"."users"', "main", "users"],
    ['MAIN."USERS"', "main", "users"],
    ['"my table"', "main", "my table"],
    ["my table", "main", "my table"],
    ["[my table]", "main", "my table"],
    ["odd.name", "main", "odd.name"],
    ['main."odd.name"', "main", "odd.name"],
    ["main.v", "main", "v"],
    ["aux.t", "aux", "t"],
    ["AUX.T", "aux", "t"],
    ["temp.scratch", "temp", "scratch"],
  ])("finds %s in %s as %s", (input, schema, name) => {
    expect(findTable(db, input)).toMatchObject({ schema, name });
  });

  it.each([
    ["nope", /^no table or view named "nope"; list_tables shows what exists$/],
    ["main.nope", /^no table or view named "nope"; list_tables shows what exists$/],
    ["aux.nope", /^no table or view named "nope" in database "aux"; list_tables/],
    ["temp.gone", /^no temporary table or view named "gone": one lasts only for the execute_transaction call/],
    [
      "other.t",
      /^no database named "other" \(in "other\.t"\): describe_table reads the main database, so give a table/,
    ],
    ["a.b.c", /^no table or view named "a\.b\.c", nor is it a name describe_table reads: give a table or view name/],
    ['"unclosed', /nor is it a name describe_table reads: give .*\(main\.users, "main"\."users"\)$/],
  ])("says what is accepted when %s is not found", (input, message) => {
    expect(() => findTable(db, input)).toThrow(message);
  });

  it("quotes the names in the pragma it suggests as SQL strings", () => {
    expect(() => findTable(db, "o'x.t")).toThrow(/nor is it/);
    expect(() => findTable(db, "other.it's")).toThrow(/nor is it/);
    expect(() => findTable(db, '"o\'x"."it\'s"')).toThrow(/pragma_table_xinfo\('it''s', 'o''x'\)/);
  });

  it("describes a table of another database from that database: columns, indexes, count, and which one", () => {
    expect(describeTable(db, "aux.t")).toMatchObject({
      name: "t",
      database: "aux",
      columns: [{ name: "c" }, { name: "d" }],
      indexes: [{ name: "t_c", columns: ["c"] }],
      rowCount: 2,
    });
    expect(describeTable(db, "main.users")).not.toHaveProperty("database");
  });
});
