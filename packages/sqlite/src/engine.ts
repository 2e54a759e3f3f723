import { describeTable, listTables, schemaText } from "./catalog.js";
import { schemaVersion, tableNames } from "./catalog-list.js";
import type {
  Connections,
  Deadline,
  EngineReply,
  EngineRequest,
  Limits,
  SqlStatement,
  StatementTiming,
  Step,
} from "./engine-request.js";
import { transaction } from "./engine-transaction.js";
import { write } from "./engine-write.js";
import { HOT_JOURNAL_CODE, hotJournalMessage, isHotJournal } from "./hot-journal.js";
import { lockFailure, lockSubject } from "./lock-failure.js";
import { ConfirmationNeeded } from "./losses.js";
import { countUntil } from "./row-count.js";
import { budgetFor, collect, type RowSet } from "./rows.js";
import { isOutOfMemory } from "./sql-failure.js";
import { isPragma } from "./sql-shape.js";
import { sqliteCodeOf } from "./sqlite-code.js";
import { bindArgs, replaceReader } from "./statement-run.js";
import { checked } from "./statements.js";
import { tableContent } from "./table-content.js";
import { ToolError } from "./tool-error.js";

/**
 * The synchronous core that runs one request on open connections. It runs inside the executor child
 * process (or in-process for a caller's own Database handle) and returns plain JSON, so nothing lossy
 * crosses the process boundary.
 */

/**
 * Run one request; never throws. A `deadline` is checked between rows, for callers that cannot kill the process.
 * `starting` is told the index of each statement of a transaction as it starts, so a caller that stops the process
 * can say which one was running.
 */
export function runRequest(
  conns: Connections,
  request: EngineRequest,
  deadline?: Deadline,
  starting?: (index: number) => void,
): EngineReply {
  const steps: Step[] = [];
  const reply = answer(conns, request, steps, deadline, starting);
  if (request.op !== "transaction") return reply;
  const now = performance.now();
  const statements = steps.map(({ start, end, errorType }): StatementTiming => {
    const timing = { agoMs: now - start, ms: (end ?? now) - start };
    return errorType ? { ...timing, errorType } : timing;
  });
  return { ...reply, statements };
}

function answer(
  conns: Connections,
  request: EngineRequest,
  steps: Step[],
  deadline?: Deadline,
  starting?: (index: number) => void,
): EngineReply {
  try {
    return { ok: true, value: dispatch(conns, request, steps, deadline, starting) };
  } catch (error) {
    if (error instanceof ConfirmationNeeded) return { ok: false, error: error.message, confirm: error.losses };
    const message = clip(error instanceof Error ? error.message : String(error));
    // The policy or a limit said no: counted as a refusal (stats, metrics, traces), not as a failure of the database.
    if (error instanceof ToolError && error.refusal) return { ok: false, error: message, refusal: error.refusal };
    // A lock says the same for every request (lock-message.ts); its code goes along, for the server's own reads.
    const locked = lockFailure(error, request, error instanceof ToolError);
    if (locked) return { ok: false, error: clip(locked.message ?? message), code: locked.code };
    // A statement's own message already says so (error-hints.ts); reading the schema's names what could not be read.
    if (isHotJournal(error) && !(error instanceof ToolError)) {
      return { ok: false, error: hotJournalMessage(lockSubject(request).what), code: HOT_JOURNAL_CODE };
    }
    if (isOutOfMemory(error)) return { ok: false, error: message, outOfMemory: true };
    const code = sqliteCodeOf(error);
    return code ? { ok: false, error: message, code } : { ok: false, error: message };
  }
}

/** Longest error message returned: SQLite quotes whole tokens, and a name can be a megabyte long. */
export const MAX_ERROR_CHARS = 2000;

function clip(message: string): string {
  return message.length > MAX_ERROR_CHARS
    ? `${message.slice(0, MAX_ERROR_CHARS)}… (message cut at ${MAX_ERROR_CHARS} characters)`
    : message;
}

function dispatch(
  conns: Connections,
  request: EngineRequest,
  steps: Step[],
  deadline?: Deadline,
  starting?: (index: number) => void,
): Record<string, unknown> {
  const { limits } = request;
  switch (request.op) {
    case "query":
      return { ...query(conns, request, limits, deadline) };
    case "write":
      return write(conns, request, limits, deadline);
    case "transaction":
      return { ...transaction(conns, request.statements, limits, steps, { deadline, guard: request.guard, starting }) };
    case "tables":
      return listTables(conns.reader, limits.maxBytes);
    case "describe":
      return describeTable(conns.reader, request.table, limits, countUntil(limits.countMs, deadline?.at));
    case "schema":
      return { text: schemaText(conns.reader) };
    case "version":
      return { version: schemaVersion(conns.reader) };
    case "names":
      return tableNames(conns.reader, request, countUntil(limits.countMs, deadline?.at));
    case "table":
      return tableContent(conns.reader, request.table, limits, deadline);
  }
}

function query(conns: Connections, request: SqlStatement, limits: Limits, deadline?: Deadline): RowSet {
  if (!conns.reopenReader || !isPragma(request.sql)) return readQuery(conns, request, limits, deadline);
  // Compiling a PRAGMA may already have changed the reader (even query_only), refused or not: replace it.
  try {
    return readQuery(conns, request, limits, deadline);
  } finally {
    replaceReader(conns);
  }
}

function readQuery(conns: Connections, request: SqlStatement, limits: Limits, deadline?: Deadline): RowSet {
  const db = conns.reader;
  const args = bindArgs(request.params, request.sql);
  const { stmt } = checked(conns.statements, db, request.sql, "query", limits, args);
  // A shared handle is also the writer: query_only holds for this query, then goes back to what it was.
  const restore = conns.shared ? db.pragma("query_only", { simple: true }) : undefined;
  if (conns.shared) db.pragma("query_only = 1");
  try {
    // The policy lets only row-returning statements through here: no ATTACH, which would outlive the call.
    return collect(stmt, args, request.sql, budgetFor(limits), limits, deadline);
  } finally {
    if (conns.shared) db.pragma(`query_only = ${Number(restore) ? 1 : 0}`);
  }
}
