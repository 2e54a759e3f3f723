import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failedOnSearchText } from "../src/search-text.js";
import { textOf, useSeededServer } from "./helpers.js";

describe("failedOnSearchText: the error came from what a MATCH searches for, not from the SQL", () => {
  const db = new Database(":memory:");
  db.exec("CREATE VIRTUAL TABLE docs USING fts5(title, body); CREATE VIRTUAL TABLE old USING fts4(body)");
  db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
  afterAll(() => db.close());

  function failure(sql: string, ...args: unknown[]): { error: unknown; stmt: Database.Statement } {
    const stmt = db.prepare(sql);
    try {
      stmt.all(...args);
    } catch (error) {
      return { error, stmt };
    }
    throw new Error(`${sql} did not fail`);
  }

  it.each([
    ["e-mail", "no such column: mail"],
    ["foo:bar", "no such column: foo"],
    ["C++", 'fts5: syntax error near "+"'],
    ["don't", 'fts5: syntax error near "\'"'],
    ["a OR", 'fts5: syntax error near ""'],
    ['"unterminated', "unterminated string"],
    ["*foo", "unknown special query: foo"],
  ])("FTS5's %j: %s", (text, message) => {
    const { error, stmt } = failure("SELECT * FROM docs WHERE docs MATCH ?", text);
    expect((error as Error).message).toBe(message);
    expect(failedOnSearchText(error, stmt)).toBe(true);
  });

  it("FTS4's malformed MATCH expression, and FTS5's text written into the SQL", () => {
    const fts4 = failure("SELECT * FROM old WHERE old MATCH ?", "a OR");
    expect(failedOnSearchText(fts4.error, fts4.stmt)).toBe(true);
    const literal = failure("SELECT * FROM docs('e-mail')");
    expect(failedOnSearchText(literal.error, literal.stmt)).toBe(true);
  });

  it("not a column dropped since the statement compiled, nor an error of another kind", () => {
    const stmt = db.prepare("SELECT body FROM notes");
    db.exec("ALTER TABLE notes RENAME COLUMN body TO text");
    let dropped: unknown;
    try {
      stmt.all();
    } catch (error) {
      dropped = error;
    }
    expect((dropped as Error).message).toBe("no such column: body");
    expect(failedOnSearchText(dropped, stmt)).toBe(false);
    const tooBig = failure("SELECT zeroblob(?)", 2 ** 31);
    expect(failedOnSearchText(tooBig.error, tooBig.stmt)).toBe(false);
  });

  it("not an external-content table whose content table lacks the column, which every read of it fails", () => {
    db.exec("CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT)");
    db.exec("CREATE VIRTUAL TABLE posts_fts USING fts5(body, content='posts', content_rowid='id')");
    db.exec("INSERT INTO posts VALUES (1, 'x')");
    const read = failure("SELECT * FROM posts_fts LIMIT 20");
    expect((read.error as Error).message).toBe("no such column: T.body");
    expect(failedOnSearchText(read.error, read.stmt)).toBe(false);
  });
});

describe("a search text that fails, through the tools", () => {
  const server = useSeededServer();
  beforeAll(async () => {
    await server.conn.call("execute_write", { sql: "CREATE VIRTUAL TABLE docs USING fts5(title, body)" });
    await server.conn.call("execute_write", { sql: "INSERT INTO docs VALUES ('mail', 'send an e-mail')" });
  });

  it("says the search text is at fault and how to quote it, and the quoted text finds the row", async () => {
    const failed = await server.conn.call("execute_query", {
      sql: "SELECT title FROM docs WHERE docs MATCH ?",
      params: ["e-mail"],
    });
    expect(failed.isError).toBe(true);
    expect(textOf(failed)).toMatch(
      /no such column: mail \[SQLITE_ERROR\]\. Statement: .* — the error is in the text a full-text MATCH searches for, not in the SQL/,
    );
    expect(textOf(failed)).not.toMatch(/describe_table/);
    const quoted = await server.conn.call("execute_query", {
      sql: `SELECT title FROM docs WHERE docs MATCH '"' || replace(?, '"', '""') || '"'`,
      params: ["e-mail"],
    });
    expect(textOf(quoted)).toContain('"rows":[["mail"]]');
  });

  it("says so to a write too, and still sends a column the SQL names to describe_table", async () => {
    const write = await server.conn.call("execute_write", { sql: "DELETE FROM docs WHERE docs MATCH 'C++'" });
    expect(textOf(write)).toMatch(/fts5: syntax error near "\+".* — the error is in the text a full-text MATCH/);
    const column = await server.conn.call("execute_query", { sql: "SELECT nope FROM docs" });
    expect(textOf(column)).toMatch(/no such column: nope .* — describe_table shows a table's columns/);
  });
});
