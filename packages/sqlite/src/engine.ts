import type Database from "better-sqlite3";
import { describeTable, listTables, schemaText } from "./catalog.js";
import { type ProgramStep, type SqlTool, type StatementFacts, statementKind, verdict } from "./sql-policy.js";
import { toBindParams, toJsonValue } from "./values.js";

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
}

/** Most prepared statements kept per connection. */
const CACHE_SIZE = 64;

/** A small LRU of prepared statements for each connection. */
export class StatementCache {
  readonly #byDb = new WeakMap<Database.Database, Map<string, Database.Statement>>();

  /** The statement for `sql` on `db`, compiled once; prepare() errors (e.g. stacked statements) pass through. */
  prepare(db: Database.Database, sql: string): Database.Statement {
    let cache = this.#byDb.get(db);
    if (!cache) {
      cache = new Map();
      this.#byDb.set(db, cache);
    }
    const hit = cache.get(sql);
    if (hit) {
      cache.delete(sql);
      cache.set(sql, hit);
      return hit;
    }
    const stmt = db.prepare(sql);
    cache.set(sql, stmt);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    return stmt;
  }
}

/** Per-request limits, set by the server. */
export interface Limits {
  maxRows: number;
  /** Cap on the JSON text of the reply. */
  maxBytes: number;
  allowAttach: boolean;
  /** How long to keep counting rows past the cap to report the total. */
  countMs: number;
}

/** One statement and its parameters. */
export interface SqlStatement {
  sql: string;
  params?: unknown;
}

/** What the server asks the engine to do. */
export type EngineRequest =
  | ({ op: "query" | "write" } & SqlStatement & { limits: Limits })
  | { op: "transaction"; statements: SqlStatement[]; limits: Limits }
  | { op: "tables" | "schema"; limits: Limits }
  | { op: "describe"; table: string; limits: Limits };

/** The engine's answer: a JSON object, or a message the model can act on. */
export type EngineReply = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

/** Rows as returned to the model. */
export interface RowSet {
  columns: string[];
  rows: unknown[][];
  rowCount: number;
  truncated?: true;
  total?: number;
  totalIsLowerBound?: true;
  note?: string;
}

/** Most statements one execute_transaction call takes. */
export const MAX_STATEMENTS = 100;

/** A failure whose message is meant for the model as is. */
export class ToolError extends Error {
  override name = "ToolError";
}

/** A time limit checked between rows: `at` on the performance.now() clock, `ms` for the message. */
export interface Deadline {
  at: number;
  ms: number;
}

/** Run one request; never throws. A `deadline` is checked between rows, for callers that cannot kill the process. */
export function runRequest(conns: Connections, request: EngineRequest, deadline?: Deadline): EngineReply {
  try {
    return { ok: true, value: dispatch(conns, request, deadline) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function dispatch(conns: Connections, request: EngineRequest, deadline?: Deadline): Record<string, unknown> {
  const { limits } = request;
  switch (request.op) {
    case "query":
      return { ...query(conns, request, limits, deadline) };
    case "write": {
      const db = writerOf(conns);
      const args = bindArgs(request.params);
      const stmt = checked(conns.statements, db, request.sql, "write", limits, args);
      return execute(conns.statements, db, stmt, request.sql, args, budgetFor(limits), limits, deadline);
    }
    case "transaction":
      return { results: transaction(conns, request.statements, limits, deadline) };
    case "tables":
      return listTables(conns.reader, limits.maxBytes);
    case "describe":
      return describeTable(conns.reader, request.table);
    case "schema":
      return { text: schemaText(conns.reader) };
  }
}

function query(conns: Connections, request: SqlStatement, limits: Limits, deadline?: Deadline): RowSet {
  const db = conns.reader;
  const args = bindArgs(request.params);
  const stmt = checked(conns.statements, db, request.sql, "query", limits, args);
  // A shared handle is also the writer: query_only holds for this query, then goes back to what it was.
  const restore = conns.shared ? db.pragma("query_only", { simple: true }) : undefined;
  if (conns.shared) db.pragma("query_only = 1");
  try {
    if (!stmt.reader) {
      run(stmt, args, request.sql); // an ATTACH/DETACH the operator allowed
      return { columns: [], rows: [], rowCount: 0 };
    }
    return collect(stmt, args, request.sql, budgetFor(limits), limits, deadline);
  } finally {
    if (conns.shared) db.pragma(`query_only = ${Number(restore) ? 1 : 0}`);
  }
}

function transaction(conns: Connections, statements: SqlStatement[], limits: Limits, deadline?: Deadline) {
  const db = writerOf(conns);
  if (statements.length === 0 || statements.length > MAX_STATEMENTS) {
    throw new ToolError(
      `statements holds ${statements.length} statements; send 1 to ${MAX_STATEMENTS} (split larger work into several transactions)`,
    );
  }
  const budget = budgetFor(limits);
  const results: Record<string, unknown>[] = [];
  const all = db.transaction(() => {
    statements.forEach((statement, i) => {
      try {
        const args = bindArgs(statement.params);
        const stmt = checked(conns.statements, db, statement.sql, "transaction", limits, args);
        results.push(execute(conns.statements, db, stmt, statement.sql, args, budget, limits, deadline));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new ToolError(
          `statement ${i + 1} of ${statements.length} failed, so the transaction was rolled back and nothing was applied: ${message}`,
        );
      }
    });
  });
  // IMMEDIATE takes the write lock up front, so a concurrent writer makes us wait (busy timeout), not fail midway.
  all.immediate();
  return results;
}

/** Run a statement that may change data; RETURNING rows come back like a query's. */
function execute(
  cache: StatementCache,
  db: Database.Database,
  stmt: Database.Statement,
  sql: string,
  args: unknown[],
  budget: Budget,
  limits: Limits,
  deadline?: Deadline,
): Record<string, unknown> {
  if (!stmt.reader) {
    const result = run(stmt, args, sql);
    return { changes: Number(result.changes), lastInsertRowid: toJsonValue(result.lastInsertRowid) };
  }
  const before = totalChanges(cache, db);
  const rows = collect(stmt, args, sql, budget, limits, deadline);
  const [changes, rowid] = cache
    .prepare(db, "SELECT total_changes(), last_insert_rowid()")
    .raw()
    .safeIntegers()
    .get() as [bigint, bigint];
  return { changes: Number(changes) - before, lastInsertRowid: toJsonValue(rowid), ...rows };
}

function totalChanges(cache: StatementCache, db: Database.Database): number {
  return Number(cache.prepare(db, "SELECT total_changes()").pluck().get());
}

function run(stmt: Database.Statement, args: unknown[], sql: string): Database.RunResult {
  try {
    return stmt.safeIntegers(true).run(...args);
  } catch (error) {
    throw sqlFailure(error, sql);
  }
}

/** Bytes and rows still allowed in one reply. */
interface Budget {
  rows: number;
  bytes: number;
}

function budgetFor(limits: Limits): Budget {
  // Room for the reply's own keys, the note and the column list, which are counted loosely.
  return { rows: limits.maxRows, bytes: limits.maxBytes - 600 };
}

function collect(
  stmt: Database.Statement,
  args: unknown[],
  sql: string,
  budget: Budget,
  limits: Limits,
  deadline?: Deadline,
): RowSet {
  let columns: string[];
  let iterator: IterableIterator<unknown[]>;
  try {
    columns = stmt.columns().map((c) => c.name);
    iterator = stmt
      .raw(true)
      .safeIntegers(true)
      .iterate(...args) as IterableIterator<unknown[]>;
  } catch (error) {
    throw sqlFailure(error, sql);
  }
  budget.bytes -= Buffer.byteLength(JSON.stringify(columns));
  const rows: unknown[][] = [];
  let total = 0;
  let cut: "rows" | "bytes" | undefined;
  let countUntil = 0;
  let lowerBound = false;
  try {
    for (const raw of iterator) {
      total++;
      if ((total & 255) === 0 && deadline !== undefined && performance.now() > deadline.at) {
        throw new ToolError(timeoutMessage(deadline.ms, false));
      }
      if (cut === undefined) {
        const row = raw.map(toJsonValue);
        const size = Buffer.byteLength(JSON.stringify(row)) + 1;
        if (rows.length >= budget.rows) cut = "rows";
        else if (size > budget.bytes) cut = "bytes";
        else {
          rows.push(row);
          budget.bytes -= size;
          continue;
        }
        countUntil = performance.now() + limits.countMs;
      } else if ((total & 255) === 0 && performance.now() > countUntil) {
        lowerBound = true;
        break; // leaving the loop resets the statement
      }
    }
  } catch (error) {
    throw error instanceof ToolError ? error : sqlFailure(error, sql);
  }
  budget.rows -= rows.length;
  const set: RowSet = { columns, rows, rowCount: rows.length };
  if (cut === undefined) return set;
  const of = `${rows.length} of ${lowerBound ? "at least " : ""}${total} rows`;
  const note =
    cut === "rows"
      ? `showing ${of} (row cap ${limits.maxRows}); page with LIMIT/OFFSET or narrow with WHERE`
      : `showing ${of}: the next row would pass the ${limits.maxBytes}-byte response cap; select fewer or shorter columns (e.g. substr(col, 1, 200)) or page with LIMIT/OFFSET`;
  return { ...set, truncated: true, total, ...(lowerBound ? { totalIsLowerBound: true as const } : {}), note };
}

/** The error for a statement stopped at the time limit. */
export function timeoutMessage(ms: number, writes: boolean): string {
  return `stopped after ${ms} ms, the time limit (MCP_SQLITE_TIMEOUT_MS); ${
    writes ? "it was rolled back and nothing was changed" : "nothing was changed"
  }. Narrow it with WHERE or LIMIT, or give a recursive CTE a stopping condition`;
}

/** Prepare one statement (prepare() refuses stacked ones) and apply the policy to SQLite's own account of it. */
function checked(
  cache: StatementCache,
  db: Database.Database,
  sql: string,
  tool: SqlTool,
  limits: Limits,
  args: unknown[],
): Database.Statement {
  let stmt: Database.Statement;
  try {
    stmt = cache.prepare(db, sql);
  } catch (error) {
    throw sqlFailure(error, sql);
  }
  const result = verdict(tool, factsOf(cache, db, stmt, sql, tool, args), limits);
  if (!result.allowed) throw new ToolError(`refused, nothing ran: ${result.reason}. Statement: ${snippet(sql)}`);
  return stmt;
}

/** The engine's facts about a statement. A row-returning read-only statement has no special kind to find. */
export function factsOf(
  cache: StatementCache,
  db: Database.Database,
  stmt: Database.Statement,
  sql: string,
  tool: SqlTool,
  args: unknown[],
): StatementFacts {
  const { readonly, reader } = stmt;
  if (tool === "query" && readonly && reader) return { readonly, reader, kind: "other" };
  let explain: Database.Statement;
  try {
    // EXPLAIN compiles the statement and lists its program without running it.
    explain = cache.prepare(db, `EXPLAIN ${sql}`);
  } catch {
    return { readonly, reader, kind: "unknown" };
  }
  let program: ProgramStep[];
  try {
    program = explain.all(...args) as ProgramStep[];
  } catch (error) {
    throw sqlFailure(error, sql); // the parameters do not fit the statement
  }
  return { readonly, reader, kind: statementKind(program) };
}

function writerOf(conns: Connections): Database.Database {
  if (!conns.writer)
    throw new ToolError("the database is open read-only; only execute_query and the schema tools work");
  return conns.writer;
}

function bindArgs(params: unknown): unknown[] {
  try {
    const bound = toBindParams(params);
    return "positional" in bound ? bound.positional : [bound.named];
  } catch (error) {
    throw new ToolError(error instanceof Error ? error.message : String(error));
  }
}

/** A SQLite (or binding) error as a message naming the statement and what to try. */
export function sqlFailure(error: unknown, sql: string): ToolError {
  const message = error instanceof Error ? error.message : String(error);
  if (message.includes("more than one statement")) {
    return new ToolError(
      `sql holds more than one statement, so nothing ran; send one statement per call (execute_transaction runs several atomically). Statement: ${snippet(sql)}`,
    );
  }
  if (message.includes("contains no statements")) return new ToolError("sql is empty: it holds no statement");
  const code = (error as { code?: unknown }).code;
  return new ToolError(
    `${message}${typeof code === "string" ? ` [${code}]` : ""}. Statement: ${snippet(sql)}${hintFor(message)}`,
  );
}

function hintFor(message: string): string {
  if (/no such table/i.test(message)) return " — list_tables shows the tables";
  if (/no such column/i.test(message)) return " — describe_table shows a table's columns";
  if (/parameter/i.test(message)) return " — params must match the statement's ? or :name placeholders";
  if (/database is locked|busy/i.test(message)) return " — another connection holds the lock; retry shortly";
  if (/readonly database|query_only/i.test(message)) return " — this connection is read-only";
  return "";
}

/** The statement as quoted in messages: at most 300 characters. */
export function snippet(sql: string): string {
  const flat = sql.trim().replace(/\s+/g, " ");
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
