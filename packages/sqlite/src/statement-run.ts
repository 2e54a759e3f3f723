import type Database from "better-sqlite3";
import type { Connections } from "./engine-request.js";
import { arrayArgs, objectArgs } from "./numbered-params.js";
import { failedOnSearchText } from "./search-text.js";
import { sqlFailure } from "./sql-failure.js";
import type { PolicyOptions } from "./sql-policy.js";
import { ToolError } from "./tool-error.js";
import { toBindParams } from "./values.js";

// What the engine's read and write paths (engine.ts, engine-write.ts) share: binding a call's params, running a
// statement that returns no rows, and replacing the reader after a PRAGMA.

/** A call's `params` for `sql`, as better-sqlite3 binds them; a bad value is the caller's ToolError. */
export function bindArgs(params: unknown, sql: string): unknown[] {
  try {
    const bound = toBindParams(params);
    if ("positional" in bound) return arrayArgs(bound.positional, sql);
    return objectArgs(bound.named, sql);
  } catch (error) {
    throw new ToolError(error instanceof Error ? error.message : String(error));
  }
}

/** Run a statement that returns no rows; SQLite's error names the statement. */
export function runStatement(
  stmt: Database.Statement,
  args: unknown[],
  sql: string,
  offers: PolicyOptions,
): Database.RunResult {
  try {
    return stmt.safeIntegers(true).run(...args);
  } catch (error) {
    throw sqlFailure(error, sql, { ...offers, searchText: failedOnSearchText(error, stmt) });
  }
}

/** Replace the reader (when it can be reopened): compiling a PRAGMA may already have changed it. */
export function replaceReader(conns: Connections): void {
  if (!conns.reopenReader) return;
  const old = conns.reader;
  conns.reader = conns.reopenReader();
  old.close();
}
