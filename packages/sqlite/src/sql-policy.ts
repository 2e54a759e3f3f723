/**
 * What each tool may run, decided from what SQLite itself reports about a prepared statement:
 * `readonly` (sqlite3_stmt_readonly), `reader` (it returns rows) and its kind, read from the
 * statement's compiled program (EXPLAIN). No keyword lists: comments, CTEs and odd spacing cannot
 * fool a verdict that comes from the engine.
 */
import type { Verdict } from "@mcp-toolkit/core";

/** The statement kinds that need more than the two flags to judge. */
export type StatementKind = "attach" | "vacuum-into" | "transaction-control" | "unknown" | "other";

/** The tools that run SQL. */
export type SqlTool = "query" | "write" | "transaction";

/** What the engine says about one prepared statement. */
export interface StatementFacts {
  readonly: boolean;
  reader: boolean;
  kind: StatementKind;
}

/** Operator choices that widen what may run. */
export interface PolicyOptions {
  /** Allow ATTACH, DETACH and VACUUM INTO, which open or create other files. */
  allowAttach: boolean;
  /** How a refusal names that setting for whoever configured the server. Default the library option. */
  allowAttachSetting?: string;
}

/** One instruction of a statement's program, as `EXPLAIN` lists it. */
export interface ProgramStep {
  opcode: string;
  p2: number;
  p4: unknown;
}

/**
 * The kind of a statement from its compiled program (`EXPLAIN <sql>` rows), or "unknown" when SQLite
 * could not list one. ATTACH/DETACH compile to calls of the internal sqlite_attach/sqlite_detach
 * functions, VACUUM INTO to a Vacuum step whose P2 names the target file, and BEGIN/COMMIT/ROLLBACK/
 * SAVEPOINT/RELEASE to AutoCommit or Savepoint steps.
 */
export function statementKind(program: readonly ProgramStep[] | undefined): StatementKind {
  if (!program) return "unknown";
  for (const step of program) {
    if (step.opcode === "Function" || step.opcode === "PureFunc") {
      if (typeof step.p4 === "string" && /^sqlite_(attach|detach)\(/.test(step.p4)) return "attach";
    } else if (step.opcode === "Vacuum" && step.p2 !== 0) return "vacuum-into";
    else if (step.opcode === "AutoCommit" || step.opcode === "Savepoint") return "transaction-control";
  }
  return "other";
}

/**
 * May `tool` run a statement with these facts? A refusal's reason says what to do instead. A query must be both `reader` and `readonly` (and runs on
 * a read-only connection as well); the write tools take anything else that stays inside the database.
 */
export function verdict(tool: SqlTool, facts: StatementFacts, options: PolicyOptions): Verdict {
  const { kind } = facts;
  if (kind === "attach" || kind === "vacuum-into") {
    const what =
      kind === "attach" ? "ATTACH/DETACH opens other database files" : "VACUUM INTO writes a copy to another file";
    if (!options.allowAttach) {
      const setting = options.allowAttachSetting ?? "allowAttach: true";
      return refuse(
        `${what}, outside the database this server was given; the server's operator can allow it with ${setting}`,
      );
    }
    if (kind === "vacuum-into" && tool === "query") return refuse(`${what}; run it with execute_write`);
    return { ok: true };
  }
  if (kind === "transaction-control") {
    return refuse(
      tool === "transaction"
        ? "the statements already run inside one transaction; leave out BEGIN/COMMIT/ROLLBACK/SAVEPOINT"
        : "transaction control is not taken one statement at a time; send the statements together to execute_transaction",
    );
  }
  if (tool === "query") {
    if (!facts.readonly) return refuse("SQLite reports that this statement writes; execute_query only reads");
    if (!facts.reader) {
      return refuse(
        "this statement returns no rows and changes connection state (e.g. PRAGMA name = value); execute_query only runs statements that read",
      );
    }
    return { ok: true };
  }
  if (kind === "unknown") {
    return refuse(
      "SQLite could not list this statement's program (EXPLAIN failed), so it cannot be classified; remove leading semicolons, or run EXPLAIN statements with execute_query",
    );
  }
  if (tool === "write" && facts.readonly && facts.reader) {
    return refuse("this statement only reads; run it with execute_query");
  }
  return { ok: true };
}

function refuse(reason: string): Verdict {
  return { ok: false, reason };
}

/**
 * Is `sql` a PRAGMA (also under EXPLAIN [QUERY PLAN], after comments and semicolons)? SQLite applies many
 * PRAGMA settings (query_only, locking_mode, cache_size, …) while it compiles them, before any verdict can be
 * given, so the query tool's connection is replaced after one: whatever it set does not outlive the call.
 */
export function isPragma(sql: string): boolean {
  const lead = /^(?:\s+|;|--[^\n]*(?:\n|$)|\/\*[\s\S]*?(?:\*\/|$)|(?:explain|query|plan)(?![\w$]))/i;
  let rest = sql;
  for (let next = rest.replace(lead, ""); next !== rest; next = rest.replace(lead, "")) rest = next;
  return /^pragma(?![\w$])/i.test(rest);
}
