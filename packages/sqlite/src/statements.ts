import type Database from "better-sqlite3";
import { settingVerdict } from "./connection-settings.js";
import type { Limits } from "./engine-request.js";
import { type HintContext, hintFor } from "./error-hints.js";
import { isLockCode, lockedMessage } from "./lock-message.js";
import type { LossStep } from "./loss-policy.js";
import { isBarePragmaRead, verdictBeforePrepare } from "./pragma-policy.js";
import {
  isExplain,
  type PolicyOptions,
  type ProgramStep,
  type SqlTool,
  type StatementFacts,
  statementKind,
  verdict,
} from "./sql-policy.js";
import { errorChain } from "./sqlite-code.js";

/**
 * Preparing statements and judging them: SQLite compiles the text (refusing stacked statements), says
 * whether it reads or writes, and lists its program; the pure policy decides. Also the messages for
 * SQLite's errors, which quote the statement and say what to try.
 */

/**
 * A failure whose message is meant for the model as is. `refusal` names the limit or policy that refused the call
 * (`sql_policy`, `size`, `timeout`), the cause core counts refusals by; a plain failure has none.
 */
export class ToolError extends Error {
  override name = "ToolError";
  readonly refusal?: string;

  constructor(message: string, options?: ErrorOptions & { refusal?: string | undefined }) {
    super(message, options);
    if (options?.refusal) this.refusal = options.refusal;
  }
}

/** A statement the policy refused: nothing of it ran. */
export class RefusedError extends ToolError {
  override name = "RefusedError";

  constructor(message: string) {
    super(message, { refusal: "sql_policy" });
  }
}

/** Most prepared statements kept per connection. */
const CACHE_SIZE = 64;

/** A small LRU of prepared statements for each connection. */
export class StatementCache {
  readonly #byDb = new WeakMap<Database.Database, Map<string, Database.Statement>>();

  /** Drop the statement kept for `sql` on `db`, if there is one. */
  forget(db: Database.Database, sql: string): void {
    this.#byDb.get(db)?.delete(sql);
  }

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

/** A statement the policy let through, with its program when it was listed (every write that is no EXPLAIN). */
export interface Checked {
  stmt: Database.Statement;
  program?: LossStep[];
}

/**
 * Prepare one statement (prepare() refuses stacked ones) and apply the policy to SQLite's own account of it; the
 * few statements whose compiling alone would change the whole process are refused before SQLite sees them.
 */
export function checked(
  cache: StatementCache,
  db: Database.Database,
  sql: string,
  tool: SqlTool,
  limits: Limits,
  args: unknown[],
): Checked {
  const early = verdictBeforePrepare(sql);
  if (!early.ok) throw refused(early.reason, sql);
  const setting = settingVerdict(tool, sql, limits.readOnly);
  if (!setting.ok) throw refused(setting.reason, sql);
  let stmt: Database.Statement;
  try {
    stmt = cache.prepare(db, sql);
  } catch (error) {
    throw sqlFailure(error, sql, { ...limits, attached: attachedNames(db) }, tool);
  }
  const facts = factsOf(db, stmt, sql, tool, args, limits);
  if (facts.kind === "unknown") {
    // A kept statement outlives the schema it was compiled for (its table dropped since): compiled afresh, it fails
    // as it would have the first time ("no such table"), which says more than that its program cannot be listed.
    cache.forget(db, sql);
    try {
      db.prepare(sql);
    } catch (error) {
      throw sqlFailure(error, sql, { ...limits, attached: attachedNames(db) }, tool);
    }
  }
  const result = verdict(tool, facts, limits);
  if (!result.ok) throw refused(result.reason, sql);
  // EXPLAIN lists every column of a step (LossStep), of which the policy's ProgramStep names three.
  return facts.program ? { stmt, program: facts.program as LossStep[] } : { stmt };
}

/** The databases `db` has attached now (none when it cannot say): a failed prepare's hint tells them apart. */
function attachedNames(db: Database.Database): string[] {
  try {
    return (db.pragma("database_list") as { seq: number; name: string }[])
      .filter(({ seq }) => seq >= 2)
      .map(({ name }) => name);
  } catch {
    return [];
  }
}

function refused(reason: string, sql: string): RefusedError {
  return new RefusedError(`refused, nothing ran: ${reason}. Statement: ${snippet(sql)}`);
}

/** The engine's facts about a statement. A row-returning read-only statement has no special kind to find. */
export function factsOf(
  db: Database.Database,
  stmt: Database.Statement,
  sql: string,
  tool: SqlTool,
  args: unknown[],
  offers: PolicyOptions,
): StatementFacts {
  const { readonly, reader } = stmt;
  if (tool === "query" && readonly && reader) return { readonly, reader, kind: "other" };
  if (
    reader &&
    isExplain(
      sql,
      stmt.columns().map((column) => column.name),
    )
  )
    return { readonly, reader, kind: "explain" };
  if (reader && isBarePragmaRead(sql)) return { readonly, reader, kind: "pragma-read" };
  let explain: Database.Statement;
  try {
    // EXPLAIN compiles the statement and lists its program without running it. It is prepared afresh each time,
    // never cached: a kept EXPLAIN statement re-run after another connection changed the schema crashes SQLite
    // (SIGSEGV in its program listing, SQLite 3.53 through better-sqlite3 12).
    explain = db.prepare(`EXPLAIN ${sql}`);
  } catch {
    return { readonly, reader, kind: "unknown" };
  }
  let program: ProgramStep[];
  try {
    program = explain.all(...args) as ProgramStep[];
  } catch (error) {
    throw sqlFailure(error, sql, offers); // the parameters do not fit the statement
  }
  return { readonly, reader, kind: statementKind(program), program };
}

/** A SQLite (or binding) error as a message naming the statement and what to try, of what the server `offers`. */
export function sqlFailure(error: unknown, sql: string, offers: HintContext, tool?: SqlTool): ToolError {
  const message = error instanceof Error ? error.message : String(error);
  if (message.includes("more than one statement")) {
    const instead =
      tool === "transaction"
        ? "give each statement its own entry in statements"
        : offers.readOnly
          ? "send one statement per call"
          : "send one statement per call (execute_transaction runs several atomically)";
    return new ToolError(`sql holds more than one statement, so nothing ran; ${instead}. Statement: ${snippet(sql)}`);
  }
  if (message.includes("contains no statements")) return new ToolError("sql is empty: it holds no statement");
  const found = (error as { code?: unknown }).code;
  if (isLockCode(found)) {
    return new ToolError(lockedMessage(found, { what: "the statement did not run", statement: snippet(sql) }), {
      cause: error,
    });
  }
  const code = typeof found === "string" ? found : undefined;
  return new ToolError(
    `${message}${code ? ` [${code}]` : ""}. Statement: ${snippet(sql)}${hintFor(code, message, offers, sql)}`,
    {
      cause: error,
    },
  );
}

/**
 * Did SQLite run out of memory for this error, or for one it wraps? SQLite says SQLITE_NOMEM; better-sqlite3, when
 * binding a value SQLite has no memory to copy, throws a plain Error("Out of memory") with no code.
 */
export function isOutOfMemory(error: unknown): boolean {
  for (const e of errorChain(error)) {
    const code = (e as { code?: unknown }).code;
    if (code === "SQLITE_NOMEM" || (code === undefined && e.message === "Out of memory")) return true;
  }
  return false;
}

/** The statement as quoted in messages: at most 300 characters. */
export function snippet(sql: string): string {
  const flat = sql.trim().replace(/\s+/g, " ");
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
