import type Database from "better-sqlite3";

/**
 * A full-text MATCH (FTS5, FTS4) reads the text it searches for as a query of its own, compiled when the statement
 * runs, not when the SQL is: words as a person types them ("e-mail", "C++", "don't") fail there with errors that seem
 * to be about the SQL, FTS5's "no such column: mail" above all, which sent the model to describe_table for a column
 * the SQL never named.
 */

/** The messages only a search text's parser gives (FTS5's, then FTS4's), whatever the SQL around it. */
const SEARCH_TEXT_ERROR =
  /^(fts5: syntax error near |unknown special query: |unterminated string$|malformed MATCH expression: )/;

/**
 * Did `error`, raised while `stmt` ran (it compiled), come from a MATCH's search text? A "no such column" raised then
 * does when the SQL still compiles: a column dropped since it was compiled (by another connection) would fail it.
 */
export function failedOnSearchText(error: unknown, stmt: Database.Statement): boolean {
  if (!(error instanceof Error) || (error as { code?: unknown }).code !== "SQLITE_ERROR") return false;
  if (SEARCH_TEXT_ERROR.test(error.message)) return true;
  if (!error.message.startsWith("no such column:")) return false;
  // A search text names no table: "no such column: T.body" is an external-content FTS5 table whose content table
  // (T, to FTS5) lacks the column, which every read of it fails with.
  if (/^no such column: [^\s.]+\./.test(error.message)) return false;
  try {
    stmt.database.prepare(stmt.source);
    return true;
  } catch {
    return false;
  }
}

/** What to do about a search text that failed: quote it, so that it is searched for as words. */
export const SEARCH_TEXT_HINT = ` — the error is in the text a full-text MATCH searches for, not in the SQL: MATCH reads it as a query of its own, where - : ( ) * ^ + and AND, OR, NOT, NEAR are operators ("e-mail" reads as a column named mail). To search for the words as typed, put them in double quotes within the text (MATCH '"e-mail"'), or quote a bound value in the SQL: MATCH '"' || replace(?, '"', '""') || '"'`;
