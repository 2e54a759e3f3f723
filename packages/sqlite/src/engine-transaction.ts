import { afterAttach, createdFilesNote, databaseList, detachAdded } from "./attachments.js";
import { settingsSetBy } from "./connection-settings.js";
import type { Connections, Deadline, Guard, Limits, SqlStatement, Step } from "./engine-request.js";
import { execute, judgeApart, unacceptedLosses, writerOf } from "./engine-write.js";
import { hintFor } from "./error-hints.js";
import { DEFERRED_KEY_HINT } from "./foreign-key-failure.js";
import {
  checkForeignKeys,
  foreignKeysMidTransaction,
  foreignKeysOn,
  restoreForeignKeys,
  setsForeignKeys,
} from "./foreign-keys.js";
import { isLockCode, lockedMessage } from "./lock-message.js";
import { commitLockPlace, schemasOpened, statementLockPlace, withLockedDatabase } from "./lock-place.js";
import type { LossStep } from "./loss-policy.js";
import { ConfirmationNeeded } from "./losses.js";
import { budgetFor } from "./rows.js";
import { restoreSettings, saveSettings } from "./settings-restore.js";
import { statementKind } from "./sql-policy.js";
import { sqliteCodeOf } from "./sqlite-code.js";
import { bindArgs } from "./statement-run.js";
import { checked } from "./statements.js";
import { newTempObjects, tempLeftError, tempObjects } from "./temp-objects.js";
import { ToolError } from "./tool-error.js";
import { fitTransactionReply, type TransactionReply } from "./transaction-reply.js";

// execute_transaction's many statements on the writer, in one IMMEDIATE transaction, each checked and run as
// execute_sql's one is (engine-write.ts); foreign_keys, settings and attachments are put back after the call.

/** Most statements one execute_transaction call takes. */
export const MAX_STATEMENTS = 100;

/** How a transaction runs besides its statements: its deadline and guard, and who is told as each statement starts. */
export interface TransactionRun {
  deadline?: Deadline | undefined;
  guard?: Guard | undefined;
  starting?: ((index: number) => void) | undefined;
}

/** execute_transaction: every statement or none, with what each returned, fitted to the reply cap. */
export function transaction(
  conns: Connections,
  statements: SqlStatement[],
  limits: Limits,
  steps: Step[],
  { deadline, guard, starting }: TransactionRun = {},
): TransactionReply {
  const db = writerOf(conns);
  if (statements.length === 0 || statements.length > MAX_STATEMENTS) {
    throw new ToolError(
      `statements holds ${statements.length} statements; send 1 to ${MAX_STATEMENTS} (split larger work into several transactions)`,
      statements.length > MAX_STATEMENTS ? { refusal: "size" } : undefined,
    );
  }
  const budget = budgetFor(limits);
  const results: Record<string, unknown>[] = [];
  // Under a guard every statement runs, so each one's losses are counted as it would meet them; any not accepted
  // roll the whole transaction back once all are known, so the user is asked about everything at once.
  const unaccepted: string[] = [];
  const created: string[] = []; // files the call's ATTACHes created (attachments.ts)
  // The databases attached before the call's first ATTACH (an open Database given to the library may have its own),
  // which stay; set only once a statement is an ATTACH, so a call without one has nothing to detach.
  let before: ReadonlySet<string> | undefined;
  const written = new Set<number>(); // the schemas the statements write, whose locks COMMIT needs
  const runOne = (statement: SqlStatement, i: number, afterCommit = false) => {
    const step: Step = { start: performance.now() };
    steps.push(step);
    starting?.(i);
    let program: LossStep[] | undefined;
    try {
      if (i > 0 && !afterCommit && setsForeignKeys(statement.sql)) throw foreignKeysMidTransaction();
      const args = bindArgs(statement.params, statement.sql);
      judgeApart(conns, statement.sql, "transaction", limits, args);
      const prepared = checked(conns.statements, db, statement.sql, "transaction", limits, args);
      program = prepared.program;
      for (const schema of schemasOpened(program, true) ?? []) written.add(schema);
      if (guard) unaccepted.push(...unacceptedLosses(db, statement.sql, args, guard, prepared.program));
      const attaching = statementKind(prepared.program) === "attach" ? databaseList(conns.statements, db) : undefined;
      if (attaching) before ??= new Set(attaching.map(({ name }) => name));
      results.push(execute(conns.statements, db, prepared, statement.sql, args, budget, limits, deadline));
      if (attaching) created.push(...afterAttach(conns.statements, db, attaching));
      step.end = performance.now();
    } catch (thrown) {
      step.end = performance.now();
      // Another connection's lock may be on a database the call attached: the message names which.
      const error = withLockedDatabase(thrown, statement.sql, () =>
        statementLockPlace(program, databaseList(conns.statements, db), db.inTransaction),
      );
      step.errorType = errorType(error);
      const message = error instanceof Error ? error.message : String(error);
      // A statement the policy or a limit refused refuses the whole transaction, for the same cause.
      const outcome = afterCommit
        ? "after the transaction was committed (the others were applied)"
        : "so the transaction was rolled back and nothing was applied";
      throw new ToolError(`statement ${i + 1} of ${statements.length} failed, ${outcome}: ${message}`, {
        cause: error,
        refusal: error instanceof ToolError ? error.refusal : undefined,
      });
    }
  };
  // A first statement setting foreign_keys applies only outside the transaction: run it before (foreign-keys.ts).
  const [first] = statements;
  const keysWereOn = first && setsForeignKeys(first.sql) ? foreignKeysOn(db) : undefined;
  // With such a first statement, a last one setting foreign_keys too (SQLite's own rebuild recipe) runs after COMMIT.
  const lastAt = statements.length - 1;
  const last = keysWereOn !== undefined && lastAt > 0 && setsForeignKeys(statements[lastAt]?.sql ?? "");
  const all = db.transaction(() => {
    const temp = tempObjects(conns.statements, db);
    statements.forEach((statement, i) => {
      if ((i > 0 || keysWereOn === undefined) && !(last && i === lastAt)) runOne(statement, i);
    });
    if (keysWereOn && !foreignKeysOn(db)) checkForeignKeys(db);
    const left = newTempObjects(temp, tempObjects(conns.statements, db));
    if (left.length > 0) throw tempLeftError(left, "the transaction was rolled back and nothing was applied");
    if (unaccepted.length > 0) throw new ConfirmationNeeded(unaccepted);
  });
  // Settings the statements change hold for this call only (connection-settings.ts).
  const settings = saveSettings(db, settingsSetBy(statements.map((statement) => statement.sql)));
  // IMMEDIATE takes the write lock up front, so a concurrent writer makes us wait (busy timeout), not fail midway.
  try {
    if (keysWereOn !== undefined && first) runOne(first, 0);
    all.immediate();
    if (last) runOne(statements[lastAt] as SqlStatement, lastAt, true);
  } catch (error) {
    // Still attached here: a lock at COMMIT may be on a database the call attached and wrote.
    const place = () =>
      commitLockPlace(
        written,
        databaseList(conns.statements, db),
        String(db.pragma("main.journal_mode", { simple: true })),
      );
    const failure = error instanceof ConfirmationNeeded ? error : beginOrCommitFailure(error, place, limits);
    const note = createdFilesNote(created);
    if (!note || !(failure instanceof ToolError)) throw failure;
    throw new ToolError(`${failure.message}. ${note}`, { cause: failure.cause, refusal: failure.refusal });
  } finally {
    if (keysWereOn !== undefined) restoreForeignKeys(db, keysWereOn);
    restoreSettings(db, settings);
    // An attachment lasts for this call (attachments.ts); SQLite detaches only outside a transaction, so here. Only
    // ATTACH attaches, and only this tool takes it: a call without one has nothing to detach.
    if (before) detachAdded(conns.statements, db, before);
  }
  return fitTransactionReply(results, limits);
}

/**
 * SQLite's error from BEGIN IMMEDIATE (another connection holds the write lock) or COMMIT, which no statement's
 * message wraps: better-sqlite3 has rolled back by then, so nothing was applied; the message says what to do, and
 * `place` names an attached database the lock may be on.
 */
function beginOrCommitFailure(error: unknown, place: () => string | undefined, offers: Limits): unknown {
  if (error instanceof ToolError) return error;
  const found = (error as { code?: unknown }).code;
  if (!(error instanceof Error) || typeof found !== "string") return error;
  if (isLockCode(found)) {
    const what = "the transaction could not take the lock it needs, was rolled back";
    return new ToolError(lockedMessage(found, { what, database: place() }), { cause: error });
  }
  const hint = found === "SQLITE_CONSTRAINT_FOREIGNKEY" ? DEFERRED_KEY_HINT : hintFor(found, error.message, offers);
  return new ToolError(`nothing was applied: ${error.message} [${found}]${hint}`, {
    cause: error,
  });
}

/** A failed statement's error type for its span: SQLite's code when it gave one, else the refusal's cause or class. */
function errorType(error: unknown): string {
  return (
    sqliteCodeOf(error) ||
    (error instanceof ToolError && error.refusal) ||
    (error instanceof Error ? error.name : "Error")
  );
}
