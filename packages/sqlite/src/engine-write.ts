import type Database from "better-sqlite3";
import type { Connections, Deadline, Guard, Limits, SqlStatement } from "./engine-request.js";
import { withForeignKeyHint } from "./foreign-key-failure.js";
import type { LossStep } from "./loss-policy.js";
import { ConfirmationNeeded, lossesFor } from "./losses.js";
import { type Budget, budgetFor, collect, type RowSet, writtenNote } from "./rows.js";
import type { SqlTool } from "./sql-policy.js";
import { isPragma } from "./sql-shape.js";
import type { StatementCache } from "./statement-cache.js";
import { bindArgs, replaceReader, runStatement } from "./statement-run.js";
import { type Checked, checked } from "./statements.js";
import { dropTempObjects, newTempObjects, tempLeftError, tempObjects } from "./temp-objects.js";
import { RefusedError, ToolError } from "./tool-error.js";
import { writeBaseline, writeOutcome } from "./write-outcome.js";

// The engine's write path (engine.ts dispatches to it): execute_sql's one statement on the writer, with the policy,
// the losses guard and the limits applied; execute_transaction (engine-transaction.ts) runs each of its statements
// through the same steps.

/** One statement that may change data, on the writer. */
export function write(
  conns: Connections,
  request: SqlStatement & { guard?: Guard | undefined },
  limits: Limits,
  deadline?: Deadline,
): Record<string, unknown> {
  const db = writerOf(conns);
  const args = bindArgs(request.params, request.sql);
  judgeApart(conns, request.sql, "write", limits, args);
  const statement = checked(conns.statements, db, request.sql, "write", limits, args);
  const { guard } = request;
  const run = () => {
    if (guard) {
      const unaccepted = unacceptedLosses(db, request.sql, args, guard, statement.program);
      if (unaccepted.length > 0) throw new ConfirmationNeeded(unaccepted);
    }
    return execute(conns.statements, db, statement, request.sql, args, budgetFor(limits), limits, deadline);
  };
  const temp = tempObjects(conns.statements, db);
  // What the user confirmed is counted and written in one IMMEDIATE transaction (begun only now, never while they
  // decide), so no other connection can add rows between the count and the write; a new count rolls it back.
  const outcome = guard?.accepted.length ? db.transaction(run).immediate() : run();
  const left = newTempObjects(temp, tempObjects(conns.statements, db));
  if (left.length > 0) {
    dropTempObjects(db, left);
    throw tempLeftError(left, "it was dropped again, so nothing changed");
  }
  return outcome;
}

/**
 * For the write tools: judge a PRAGMA on the reader first, since compiling it on the writer would already apply
 * a setting (locking_mode = EXCLUSIVE, say) that the policy then refuses. The reader is replaced afterwards.
 */
export function judgeApart(conns: Connections, sql: string, tool: SqlTool, limits: Limits, args: unknown[]): void {
  if (!conns.reopenReader || !isPragma(sql)) return;
  try {
    checked(conns.statements, conns.reader, sql, tool, limits, args);
  } catch (error) {
    if (error instanceof RefusedError) throw error;
    // SQLite's own errors are reported from the writer, like any statement's.
  } finally {
    replaceReader(conns);
  }
}

/** The losses the statement would cause that the guard does not accept. */
export function unacceptedLosses(
  db: Database.Database,
  sql: string,
  args: unknown[],
  guard: Guard,
  program: LossStep[] | undefined,
): string[] {
  return lossesFor(db, sql, args, program).filter((loss) => !guard.accepted.includes(loss));
}

/** Run a statement that may change data; RETURNING rows come back like a query's. */
export function execute(
  cache: StatementCache,
  db: Database.Database,
  { stmt, program }: Checked,
  sql: string,
  args: unknown[],
  budget: Budget,
  limits: Limits,
  deadline?: Deadline,
): Record<string, unknown> {
  const before = writeBaseline(cache, db);
  const ran = { sql, args, program };
  let rows: RowSet | undefined;
  try {
    if (stmt.reader) rows = collect(stmt, args, sql, budget, limits, deadline);
    else runStatement(stmt, args, sql, limits);
  } catch (error) {
    throw withForeignKeyHint(db, program, error);
  }
  const outcome = writeOutcome(cache, db, ran, before);
  if (!rows) return { ...outcome };
  return rows.truncated
    ? { ...outcome, ...rows, note: writtenNote(rows, outcome.changes, limits) }
    : { ...outcome, ...rows };
}

/** The writer, or a ToolError when the database is open read-only. */
export function writerOf(conns: Connections): Database.Database {
  if (!conns.writer)
    throw new ToolError("the database is open read-only; only execute_query and the schema tools work");
  return conns.writer;
}
