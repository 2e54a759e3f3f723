import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { columnCollation } from "../src/column-collations.js";
import { type Connected, connect, dataOf, tempDir } from "./helpers.js";

/** A contacts file as an app makes it: case-blind emails, padded codes, a collation only the app registers. */
function contactsDatabase(path: string): void {
  const db = new Database(path);
  db.exec(`CREATE TABLE contacts (id INTEGER PRIMARY KEY, email TEXT UNIQUE COLLATE NOCASE, code TEXT COLLATE RTRIM,
      name TEXT, nick TEXT);
    CREATE INDEX contacts_name ON contacts (name COLLATE NOCASE);
    CREATE TABLE tags (tag TEXT COLLATE NOCASE PRIMARY KEY, n INT) WITHOUT ROWID;
    CREATE VIEW emails AS SELECT email, name FROM contacts WHERE id > 0;`);
  db.unsafeMode(true);
  db.exec(`PRAGMA writable_schema = ON;
    UPDATE sqlite_schema SET sql = replace(sql, 'nick TEXT', 'nick TEXT COLLATE LOCALIZED') WHERE name = 'contacts';
    PRAGMA writable_schema = OFF;`);
  db.close();
}

describe("columnCollation", () => {
  const tmp = tempDir();
  const path = join(tmp.dir, "contacts.db");
  let db: Database.Database;
  beforeAll(() => {
    contactsDatabase(path);
    db = new Database(path, { readonly: true });
  });
  afterAll(() => {
    db.close();
    tmp.cleanup();
  });

  it.each([
    ["contacts", "id", undefined],
    ["contacts", "email", "NOCASE"],
    ["contacts", "code", "RTRIM"],
    // An index's own COLLATE is the index's, not the column's.
    ["contacts", "name", undefined],
    // Named though this SQLite does not have it: comparing or sorting the column fails here.
    ["contacts", "nick", "LOCALIZED"],
    ["tags", "tag", "NOCASE"],
    ["emails", "email", "NOCASE"],
    ["emails", "name", undefined],
  ])("%s.%s → %s", (table, column, collation) => {
    expect(columnCollation(db, "main", table, column)).toBe(collation);
  });
});

describe("describe_table's collations", () => {
  const tmp = tempDir();
  const path = join(tmp.dir, "contacts.db");
  let conn: Connected;
  beforeAll(async () => {
    contactsDatabase(path);
    conn = await connect({ database: path, readOnly: true });
  });
  afterAll(async () => {
    await conn.close();
    tmp.cleanup();
  });

  it("gives each column's collation but BINARY, so a model knows email = 'A@X.COM' matches a@x.com", async () => {
    const { columns } = dataOf<{ columns: Record<string, unknown>[] }>(
      await conn.call("describe_table", { table: "contacts" }),
    );
    expect(columns.map((c) => [c.name, c.collation])).toEqual([
      ["id", undefined],
      ["email", "NOCASE"],
      ["code", "RTRIM"],
      ["name", undefined],
      ["nick", "LOCALIZED"],
    ]);
  });

  it("gives the CREATE INDEX of an index that sorts a column otherwise than the column does, and only of that", async () => {
    const { indexes } = dataOf<{ indexes: Record<string, unknown>[] }>(
      await conn.call("describe_table", { table: "contacts" }),
    );
    expect(indexes).toContainEqual(
      expect.objectContaining({
        name: "contacts_name",
        sql: "CREATE INDEX contacts_name ON contacts (name COLLATE NOCASE)",
      }),
    );
    // The UNIQUE on email sorts as email does (NOCASE).
    expect(indexes.find((i) => i.name === "sqlite_autoindex_contacts_1")).not.toHaveProperty("sql");
  });
});
