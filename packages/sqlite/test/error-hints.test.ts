import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hintFor } from "../src/error-hints.js";
import { type Connected, connect, tempDir, textOf, useSeededServer } from "./helpers.js";

/** A writable server that may ATTACH, the one whose hints name every tool. */
const ALL = { allowAttach: true };
const NO_ATTACH = { allowAttach: false, allowAttachSetting: "--allow-attach" };
const READ_ONLY = { allowAttach: false, readOnly: true };

describe("hintFor: by SQLite's result code, never by words in the message", () => {
  it.each([
    ["SQLITE_READONLY", "attempt to write a readonly database", /its file is not writable by the server.s user/],
    [
      "SQLITE_READONLY_ROLLBACK",
      "attempt to write a readonly database",
      /stopped partway through writing .* rolls that write back/,
    ],
    ["SQLITE_READONLY_DBMOVED", "attempt to write a readonly database", /moved or deleted/],
    ["SQLITE_READONLY_DIRECTORY", "attempt to write a readonly database", /folder cannot be written in/],
    ["SQLITE_TOOBIG", "string or blob too big", /length limit/],
    ["SQLITE_ERROR", "no such table: nope", /list_tables shows the tables/],
    ["SQLITE_ERROR", "no such column: nope", /describe_table shows a table's columns/],
    ["SQLITE_ERROR", "no such table: main.nope", /^ — list_tables shows the tables$/],
    ["SQLITE_ERROR", "no such table: temp.nope", /^ — list_tables shows the tables$/],
    [
      "SQLITE_ERROR",
      "no such table: o.items",
      /tables of main; if o is a database you ATTACH.*one execute_transaction call/,
    ],
    [
      "SQLITE_ERROR",
      "ambiguous column name: id",
      /has a column id: name the one meant with its table or alias \(orders\.id, o\.id\)$/,
    ],
    [
      "SQLITE_ERROR",
      "no such function: nosuch",
      /^ — this server loads no extensions, and SELECT DISTINCT name FROM pragma_function_list/,
    ],
    [
      "SQLITE_ERROR",
      "no such function: REGEXP",
      /^ — REGEXP is not built in: use LIKE, GLOB or instr\(\) instead; this server/,
    ],
    ["SQLITE_ERROR", "incomplete input", /ends too early: a closing parenthesis or quote/],
    ["SQLITE_CORRUPT", "database disk image is malformed", /file is damaged.*not at fault.*PRAGMA integrity_check/],
    ["SQLITE_CORRUPT_INDEX", "database disk image is malformed", /file is damaged/],
    ["SQLITE_NOTADB", "file is not a database", /file is damaged.*restore a backup/],
    [
      "SQLITE_FULL",
      "database or disk is full",
      /has no room left, so nothing was changed.*Deleting rows does not make room/,
    ],
    [
      "SQLITE_CONSTRAINT_UNIQUE",
      "UNIQUE constraint failed: customers.email",
      /^ — another row already has that customers\.email: .* ON CONFLICT \(email\) DO UPDATE SET …, or skip the row with ON CONFLICT \(email\) DO NOTHING$/,
    ],
    [
      "SQLITE_CONSTRAINT_PRIMARYKEY",
      "UNIQUE constraint failed: t.a, t.b",
      /has that t\.a, t\.b: .* ON CONFLICT \(a, b\) DO UPDATE/,
    ],
    [
      "SQLITE_CONSTRAINT_UNIQUE",
      "UNIQUE constraint failed: index 'by_lower'",
      /has that key: .* ON CONFLICT DO UPDATE SET …/,
    ],
    ["SQLITE_ERROR", "database x is locked", /detaches a database only outside a transaction; leave out DETACH/],
    [
      "SQLITE_ERROR_MISSING_COLLSEQ",
      "no such collation sequence: LOCALIZED",
      /^ — LOCALIZED is a collation of the program that made this file .*\(ORDER BY name COLLATE NOCASE/,
    ],
    [undefined, "Too few parameter values were provided", /params must match/],
    [undefined, 'Missing named parameter "x"', /params must match/],
  ])("%s: %s", (code, message, hint) => {
    expect(hintFor(code, message, ALL)).toMatch(hint);
  });

  it.each([
    [
      ALL,
      "no such table: o.items",
      /^ — list_tables shows the tables of main; if o is a database you ATTACH, it is attached for one execute_transaction call only: send the ATTACH/,
    ],
    [
      NO_ATTACH,
      "no such table: o.items",
      /^ — list_tables shows the tables of main; this server does not ATTACH other databases \(its operator can allow it with --allow-attach\)$/,
    ],
    [
      { allowAttach: false },
      "no such table: o.items",
      /does not ATTACH other databases \(its operator can allow it with allowAttach: true\)$/,
    ],
    [
      READ_ONLY,
      "no such table: o.items",
      /^ — list_tables shows the tables of main; this server is read-only and cannot ATTACH o: it offers only execute_query, list_tables and describe_table$/,
    ],
    [{ ...READ_ONLY, allowAttach: true }, "no such table: o.items", /read-only and cannot ATTACH o: it offers only/],
    [READ_ONLY, "no such table: main.nope", /^ — list_tables shows the tables$/],
    [
      { ...ALL, attached: ["O"] },
      "no such table: o.items",
      /^ — o is attached, but has no such table: SELECT name FROM "o"\.sqlite_schema WHERE type IN \('table', 'view'\) lists its tables$/,
    ],
    [{ ...ALL, attached: ["p"] }, "no such table: o.items", /if o is a database you ATTACH/],
  ])("names only what the server offers: %o, %s", (offers, message, hint) => {
    expect(hintFor("SQLITE_ERROR", message, offers)).toMatch(hint);
  });

  it.each([ALL, NO_ATTACH, READ_ONLY])("never names a tool a read-only server lacks when read-only: %o", (offers) => {
    const hints = [
      "no such table: o.items",
      "no such table: x",
      "no such column: x",
      "no such function: regexp",
      "incomplete input",
      "ambiguous column name: id",
    ].map((message) => hintFor("SQLITE_ERROR", message, offers));
    const names = hints.join("\n").match(/execute_write|execute_transaction/g) ?? [];
    expect(names.length > 0).toBe(offers === ALL);
  });

  it("names a binding error's placeholders when it has the statement", () => {
    expect(hintFor(undefined, "Missing named parameters", ALL, "SELECT fts5(?1)")).toBe(
      ` — params must match the statement's ? or :name placeholders; it takes 1 value by position (?1): send params as an array of 1 (or an object numbering them, {"1": …})`,
    );
    expect(hintFor(undefined, 'Missing named parameter "b"', ALL, "SELECT :a, :b")).toMatch(/it takes :a, :b by name/);
    expect(hintFor("SQLITE_ERROR", "no such column: x", ALL, "SELECT ?")).not.toMatch(/it takes/);
    expect(hintFor(undefined, "Too many parameter values were provided", ALL, "SELECT 1 -- ?")).toBe(
      " — params must match the statement's ? or :name placeholders; it takes no params: leave params out",
    );
  });

  it.each([
    ["SQLITE_ERROR", "too many arguments on pragma_busy_timeout() - max 0"],
    ["SQLITE_ERROR", "too many arguments on pragma_query_only() - max 0"],
    ["SQLITE_ERROR", 'near "busy": syntax error'],
    ["SQLITE_CONSTRAINT_TRIGGER", "database is locked, no such table: readonly database"],
    ["SQLITE_CONSTRAINT_NOTNULL", "NOT NULL constraint failed: parameter.value"],
    ["SQLITE_ERROR", "wrong number of parameters to function x()"],
    ["SQLITE_ERROR", "table t has no column named busy"],
    // Lock failures get their whole message from lock-message.ts, the same for every tool.
    ["SQLITE_BUSY", "database is locked"],
    ["SQLITE_LOCKED", "database table is locked"],
  ])("%s: %s gets no hint", (code, message) => {
    expect(hintFor(code, message, ALL)).toBe("");
  });
});

describe("the hints execute_query gives for SQLite's errors", () => {
  const db = useSeededServer();
  const query = async (sql: string) => textOf(await db.conn.call("execute_query", { sql }));

  it.each(["SELECT * FROM pragma_busy_timeout(0)", "SELECT * FROM pragma_query_only(0)"])(
    "gives %s's argument-count error no lock or read-only hint",
    async (sql) => {
      const text = await query(sql);
      expect(text).toMatch(/too many arguments on pragma_\w+\(\) - max 0 \[SQLITE_ERROR\]/);
      expect(text).not.toMatch(/retry shortly|read-only/);
    },
  );

  it("points a missing function to the list of those SQLite has, which execute_query can read", async () => {
    expect(await query("SELECT name FROM items WHERE name REGEXP 'a'")).toMatch(
      /no such function: REGEXP \[SQLITE_ERROR\]\. Statement: .* — REGEXP is not built in/,
    );
    const listed = await db.conn.call("execute_query", {
      sql: "SELECT DISTINCT name FROM pragma_function_list WHERE name = 'instr'",
    });
    expect(textOf(listed)).toContain('"rows":[["instr"]]');
  });

  it("says that extensions are off, and what a parser stack overflow means", async () => {
    expect(await query("SELECT load_extension('/tmp/x.so')")).toMatch(
      /not authorized \[SQLITE_ERROR\]\. Statement: .* — load_extension\(\) is off: this server loads no extensions/,
    );
    expect(await query(`SELECT ${"(".repeat(3000)}1${")".repeat(3000)}`)).toMatch(
      /Recursion limit \[SQLITE_ERROR\]\. Statement: .* — the statement nests too deeply for SQLite's parser/,
    );
  });

  it("says what to do past SQLite's limits on parameters and result columns", async () => {
    const list = await db.conn.call("execute_query", {
      sql: `SELECT count(*) FROM items WHERE id IN (${Array(33000).fill("?").join(",")})`,
      params: Array.from({ length: 33000 }, (_, i) => i),
    });
    expect(textOf(list)).toMatch(
      /too many SQL variables \[SQLITE_ERROR\].* — SQLite binds at most 32,766 .*json_each\(\?\)/,
    );
    expect(await query(`SELECT ${Array.from({ length: 2001 }, (_, i) => i).join(",")}`)).toMatch(
      /too many columns in result set \[SQLITE_ERROR\].* — SQLite returns at most 2,000 columns/,
    );
  });

  it("says how to name an ambiguous column and that a statement ended early", async () => {
    expect(await query("SELECT id FROM items a JOIN items b USING (name)")).toMatch(
      /ambiguous column name: id \[SQLITE_ERROR\]\. Statement: .* — more than one table in FROM has a column id/,
    );
    expect(await query("SELECT name FROM items WHERE qty > 1 AND")).toMatch(
      /incomplete input .* — the statement ends too early/,
    );
  });

  it("tells a write that repeats a key how to update or skip the row instead", async () => {
    const again = await db.conn.call("execute_write", { sql: "INSERT INTO items (id, name) VALUES (1, 'again')" });
    expect(textOf(again)).toMatch(
      /UNIQUE constraint failed: items\.id \[SQLITE_CONSTRAINT_PRIMARYKEY\]\. Statement: .* — another row already has that items\.id: .* ON CONFLICT \(id\) DO UPDATE SET/,
    );
  });

  it("still points a missing table to list_tables and misfit params to the placeholders", async () => {
    expect(await query("SELECT * FROM nope")).toMatch(/no such table: nope \[SQLITE_ERROR\].*list_tables shows/);
    const misfit = await db.conn.call("execute_query", { sql: "SELECT ?", params: [1, 2] });
    expect(textOf(misfit)).toMatch(/params must match/);
  });

  it("says what a statement with placeholders takes when params is missing", async () => {
    // better-sqlite3 says only "Missing named parameters" for ?1 without params.
    expect(await query("SELECT abs(?1)")).toMatch(
      /Missing named parameters\. Statement: SELECT abs\(\?1\) — .*it takes 1 value by position \(\?1\): send params as an array of 1/,
    );
    expect(await query("SELECT :a + :b")).toMatch(
      /it takes :a, :b by name: send params as an object, \{"a": …, "b": …\}/,
    );
  });
});

describe("the hint for a table missing from a database the transaction attached", () => {
  const db = useSeededServer({ allowAttach: true });

  it("says the database is attached and how to list its tables, not to send the ATTACH along", async () => {
    const reply = await db.conn.call("execute_transaction", {
      statements: [{ sql: "ATTACH ? AS o", params: [join(db.dir, "other.db")] }, { sql: "SELECT * FROM o.items" }],
    });
    const text = textOf(reply);
    expect(text).toMatch(
      /no such table: o\.items .* — o is attached, but has no such table: SELECT name FROM "o"\.sqlite_schema/,
    );
    expect(text).not.toMatch(/send the ATTACH/);
  });
});

describe("the hint for a collation the server does not have", () => {
  const tmp = tempDir();
  let conn: Connected;

  beforeAll(async () => {
    // An app's file (Android's contacts): its schema names a collation only that app registers.
    const path = join(tmp.dir, "app.db");
    const db = new Database(path);
    db.exec("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT); CREATE INDEX by_name ON contacts (name)");
    db.exec("INSERT INTO contacts VALUES (1, 'Zoe'), (2, 'adam')");
    db.unsafeMode(true);
    db.exec(`PRAGMA writable_schema = ON;
      UPDATE sqlite_schema SET sql = replace(sql, 'name)', 'name COLLATE LOCALIZED)') WHERE tbl_name = 'contacts';
      UPDATE sqlite_schema SET sql = replace(sql, 'name TEXT', 'name TEXT COLLATE LOCALIZED') WHERE name = 'contacts'`);
    db.close();
    conn = await connect({ database: path });
  });
  afterAll(async () => {
    await conn.close();
    tmp.cleanup();
  });

  it("says the collation is the app's, and how a read names a built-in one instead", async () => {
    const sorted = await conn.call("execute_query", { sql: "SELECT name FROM contacts ORDER BY name" });
    expect(textOf(sorted)).toMatch(
      /no such collation sequence: LOCALIZED \[SQLITE_ERROR_MISSING_COLLSEQ\]\. Statement: .* — LOCALIZED is a collation of the program that made this file.*ORDER BY name COLLATE NOCASE/,
    );
    const instead = await conn.call("execute_query", { sql: "SELECT name FROM contacts ORDER BY name COLLATE NOCASE" });
    expect(textOf(instead)).toContain('"rows":[["adam"],["Zoe"]]');
    const write = await conn.call("execute_write", { sql: "UPDATE contacts SET name = 'Adam' WHERE id = 2" });
    expect(textOf(write)).toMatch(/a write to a table with an index that uses LOCALIZED fails whatever it says/);
  });
});
