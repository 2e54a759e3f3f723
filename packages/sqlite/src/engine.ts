import type Database from "better-sqlite3";
import { describeTable, listTables, schemaText } from "./catalog.js";
import { type NameQuery, schemaVersion, tableNames } from "./catalog-list.js";
import { transaction, write } from "./engine-write.js";
import { lockFailure } from "./lock-failure.js";
import { ConfirmationNeeded } from "./losses.js";
import { countUntil } from "./row-count.js";
import { budgetFor, collect, type RowSet } from "./rows.js";
import { isPragma } from "./sql-policy.js";
import { sqliteCodeOf } from "./sqlite-code.js";
import { bindArgs, replaceReader } from "./statement-run.js";
import { checked, isOutOfMemory, type StatementCache, ToolError } from "./statements.js";
import { tableContent } from "./table-content.js";

/**
 * The synchronous core that runs one request on open connections. It runs inside the executor child
 * process (or in-process for a caller's own Database handle) and returns plain JSON, so nothing lossy
 * crosses the process boundary.
 */

/** The connections a request runs on: a writer (absent when read-only) and a read-only reader. */
export interface Connections {
  writer: Database.Database | undefined;
  /** Opened read-only with PRAGMA query_only; the same handle as `writer` for an in-memory database. */
  reader: Database.Database;
  /** True when reader and writer are one handle, so query_only is switched on around each query. */
  shared: boolean;
  /** Prepared statements by connection and SQL text, so a repeated statement skips compiling. */
  statements: StatementCache;
  /** Open a fresh reader like the first (absent when shared): a PRAGMA's settings are dropped with the old one. */
  reopenReader?: () => Database.Database;
}

/** Per-request limits, set by the server. */
export interface Limits {
  maxRows: number;
  /** Cap on the JSON text of the reply. */
  maxBytes: number;
  allowAttach: boolean;
  /** How long to keep counting rows past the cap to report the total. */
  countMs: number;
  /** How messages name the attach and time-limit settings (the bin's flags, or library options). */
  allowAttachSetting?: string;
  timeoutSetting?: string;
  /** How messages name the reply and row caps. */
  maxBytesSetting?: string;
  maxRowsSetting?: string;
  /** How messages name the executor's memory limit. */
  memorySetting?: string;
}

/** One statement and its parameters. */
export interface SqlStatement {
  sql: string;
  params?: unknown;
}

/**
 * For the write tools under `confirm: destructive`: what the user accepted to lose. A statement that would destroy
 * anything else stops the request (ConfirmationNeeded), with nothing changed.
 */
export interface Guard {
  accepted: string[];
}

/** What the server asks the engine to do. */
export type EngineRequest =
  | ({ op: "query" } & SqlStatement & { limits: Limits })
  | ({ op: "write" } & SqlStatement & { limits: Limits; guard?: Guard })
  | { op: "transaction"; statements: SqlStatement[]; limits: Limits; guard?: Guard }
  | { op: "tables" | "schema" | "version"; limits: Limits }
  | ({ op: "names"; limits: Limits } & NameQuery)
  | { op: "table"; table: string; limits: Limits }
  | { op: "describe"; table: string; limits: Limits };

/**
 * One statement of a transaction, for its span: when it began, in ms before the reply was made (so the time survives
 * the trip out of the executor process, whose clock is its own), how long it ran, and how it failed, if it did.
 */
export interface StatementTiming {
  agoMs: number;
  ms: number;
  /** A low-cardinality error type: SQLite's code (`SQLITE_CONSTRAINT_NOTNULL`) or the refusal's cause. */
  errorType?: string;
}

/**
 * The engine's answer: a JSON object, or a message the model can act on, marked when SQLite ran out of memory (the
 * executor then names its limit) and with SQLite's code when it gave one (a lock's among them). A transaction's reply
 * says when each statement that began ran, failed or not.
 */
export type EngineReply = (
  | { ok: true; value: Record<string, unknown> }
  | {
      ok: false;
      error: string;
      outOfMemory?: true;
      confirm?: string[];
      refusal?: string;
      /** SQLite's code of the failure (a lock's, `SQLITE_BUSY`; any other, `SQLITE_ERROR`), for reads and spans. */
      code?: string;
    }
) & { statements?: StatementTiming[] };

export { MAX_STATEMENTS } from "./engine-write.js";

/** A time limit checked between rows: `at` on the performance.now() clock, `ms` for the message. */
export interface Deadline {
  at: number;
  ms: number;
  /** How the message names the time limit. */
  setting?: string;
}

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

/** A transaction's statement as it runs, on this process's performance clock. */
export interface Step {
  start: number;
  end?: number;
  errorType?: string;
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
      return describeTable(conns.reader, request.table, countUntil(limits.countMs, deadline?.at));
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
