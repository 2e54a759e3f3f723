import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { describeTable } from "../src/catalog.js";
import { findTable, noDatabase, noTemp } from "../src/table-lookup.js";

/** A writable server that may ATTACH. */
const ALL = { allowAttach: true };

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
    expect(findTable(db, input, ALL)).toMatchObject({ schema, name });
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
    expect(() => findTable(db, input, ALL)).toThrow(message);
  });

  it.each([
    [
      ALL,
      /^no database named "o" \(in "o\.t"\): describe_table reads the main database, so give .*\. An ATTACH lasts only for the execute_transaction call that makes it: describe an attached table in that call, with SELECT \* FROM pragma_table_xinfo\('t', 'o'\)$/,
    ],
    [
      { allowAttach: false, allowAttachSetting: "--allow-attach" },
      /^no database named "o" \(in "o\.t"\): describe_table reads .*; this server does not ATTACH other databases \(its operator can allow it with --allow-attach\)$/,
    ],
    [
      { allowAttach: true, readOnly: true },
      /^no database named "o" \(in "o\.t"\): describe_table reads .*; this server is read-only and cannot ATTACH o: it offers only execute_query, list_tables and describe_table$/,
    ],
  ])("says what a server offering %o can do about a database it has not attached", (offers, message) => {
    expect(noDatabase("o", "t", '"o.t"', offers)).toMatch(message);
    expect(() => findTable(db, "o.t", offers)).toThrow(message);
  });

  it.each([
    [ALL, /^no temporary table or view named "x": one lasts only for the execute_transaction call that creates it/],
    [{ allowAttach: false }, /one lasts only for the execute_transaction call that creates it/],
    [
      { allowAttach: false, readOnly: true },
      /^no temporary table or view named "x": this server is read-only, so no call creates one \(it offers only execute_query, list_tables and describe_table\); list_tables shows the tables of main$/,
    ],
  ])("says what a server offering %o can do about a temporary table", (offers, message) => {
    expect(noTemp("x", offers)).toMatch(message);
    expect(() => findTable(db, "temp.x", offers)).toThrow(message);
  });

  it("quotes the names in the pragma it suggests as SQL strings", () => {
    expect(() => findTable(db, "o'x.t", ALL)).toThrow(/nor is it/);
    expect(() => findTable(db, "other.it's", ALL)).toThrow(/nor is it/);
    expect(() => findTable(db, '"o\'x"."it\'s"', ALL)).toThrow(/pragma_table_xinfo\('it''s', 'o''x'\)/);
  });

  it("describes a table of another database from that database: columns, indexes, count, and which one", () => {
    expect(describeTable(db, "aux.t", ALL)).toMatchObject({
      name: "t",
      database: "aux",
      columns: [{ name: "c" }, { name: "d" }],
      indexes: [{ name: "t_c", columns: ["c"] }],
      rowCount: 2,
    });
    expect(describeTable(db, "main.users", ALL)).not.toHaveProperty("database");
  });
});
