import type Database from "better-sqlite3";
import { settingVerdict } from "./connection-settings.js";
import type { Limits } from "./engine-request.js";
import type { LossStep } from "./loss-policy.js";
import { isBarePragmaRead, verdictBeforePrepare } from "./pragma-policy.js";
import { snippet, sqlFailure } from "./sql-failure.js";
import {
  isExplain,
  type PolicyOptions,
  type ProgramStep,
  type SqlTool,
  type StatementFacts,
  statementKind,
  textVerdict,
  verdict,
} from "./sql-policy.js";
import type { StatementCache } from "./statement-cache.js";
import { RefusedError } from "./tool-error.js";

/**
 * Preparing statements and judging them: SQLite compiles the text (refusing stacked statements), says
 * whether it reads or writes, and lists its program; the pure policy decides.
 */

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
  const text = textVerdict(sql);
  if (!text.ok) throw refused(text.reason, sql);
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
