/**
 * What each tool may run, decided from what SQLite itself reports about a prepared statement:
 * `readonly` (sqlite3_stmt_readonly), `reader` (it returns rows) and its kind, read from the
 * statement's compiled program (EXPLAIN). No keyword lists: comments, CTEs and odd spacing cannot
 * fool a verdict that comes from the engine.
 */
import type { Verdict } from "@mcp-toolkit/core";
import { startsWithExplain } from "./sql-shape.js";

/**
 * The statement kinds that need more than the two flags to judge. `explain` lists a statement's program and never
 * runs it; `pragma-read` is a bare PRAGMA of READ_ONLY_BARE_PRAGMAS, which SQLite flags as writing though it only reads.
 */
export type StatementKind =
  | "attach"
  | "vacuum-into"
  | "transaction-control"
  | "explain"
  | "pragma-read"
  | "unknown"
  | "other";

/** The tools that run SQL. */
export type SqlTool = "query" | "write" | "transaction";

/** What the engine says about one prepared statement. */
export interface StatementFacts {
  readonly: boolean;
  reader: boolean;
  kind: StatementKind;
  /** The program the kind was read from, when it was listed; the policy needs only the kind. */
  program?: readonly ProgramStep[];
}

/** Operator choices that widen what may run. */
export interface PolicyOptions {
  /** Allow ATTACH, DETACH and VACUUM INTO, which open or create other files. */
  allowAttach: boolean;
  /** How a refusal names that setting for whoever configured the server. Default the library option. */
  allowAttachSetting?: string;
  /** The server is read-only: no write tools, so what only they take is refused as such, allowAttach or not. */
  readOnly?: boolean;
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
  if (kind === "explain") {
    return tool === "query"
      ? { ok: true }
      : refuse(
          "EXPLAIN lists a statement's program without running it, so it changes nothing; run it with execute_query",
        );
  }
  if (kind === "pragma-read") {
    return tool === "write" ? refuse("this PRAGMA only reads; run it with execute_query") : { ok: true };
  }
  if (kind === "attach" || kind === "vacuum-into") {
    const what =
      kind === "attach" ? "ATTACH/DETACH opens other database files" : "VACUUM INTO writes a copy to another file";
    if (options.readOnly) {
      const [taker, instead] =
        kind === "attach" ? ["execute_transaction", "; query the tables of main"] : ["execute_write", ""];
      return refuse(
        `${what}, which only ${taker} takes, and this server is read-only, so ${READ_ONLY_OFFER}${instead}`,
      );
    }
    if (!options.allowAttach) {
      const setting = options.allowAttachSetting ?? "allowAttach: true";
      return refuse(
        `${what}, outside the database this server was given; the server's operator can allow it with ${setting}`,
      );
    }
    if (kind === "vacuum-into" && tool === "query") return refuse(`${what}; run it with execute_write`);
    if (kind === "attach" && tool !== "transaction") return refuse(ATTACH_LASTS_ONE_CALL);
    return { ok: true };
  }
  if (kind === "transaction-control") {
    if (options.readOnly) {
      return refuse(
        `transaction control is not taken: this server is read-only, so ${READ_ONLY_OFFER}, and each query reads on its own; send the query alone`,
      );
    }
    return refuse(
      tool === "transaction"
        ? "the statements already run inside one transaction; leave out BEGIN/COMMIT/ROLLBACK/SAVEPOINT"
        : "transaction control is not taken one statement at a time; send the statements together to execute_transaction",
    );
  }
  if (tool === "query") {
    if (!facts.readonly) {
      return refuse(
        options.readOnly
          ? `SQLite reports that this statement writes, and this server is read-only: ${READ_ONLY_OFFER}, which change nothing`
          : "SQLite reports that this statement writes; execute_query only reads: run it with execute_write",
      );
    }
    if (!facts.reader) {
      return refuse(
        "this statement returns no rows and changes connection state (e.g. PRAGMA name = value); execute_query only runs statements that read",
      );
    }
    return { ok: true };
  }
  if (kind === "unknown") {
    return refuse(
      "SQLite could not list this statement's program (EXPLAIN failed), so it cannot be classified; remove leading semicolons",
    );
  }
  if (tool === "write" && facts.readonly && facts.reader) {
    return refuse("this statement only reads; run it with execute_query");
  }
  return { ok: true };
}

/**
 * May `sql` be given to SQLite as text? SQLite stops reading at a NUL (U+0000) wherever it stands, in a string literal
 * too, so what follows one would silently not run: `DELETE FROM t\0 WHERE id = 1` would empty the table.
 */
export function textVerdict(sql: string): Verdict {
  const at = sql.indexOf("\0");
  if (at === -1) return { ok: true };
  return refuse(
    `sql holds a NUL character (U+0000) at index ${at}, where SQLite stops reading, so the text after it would not run; remove it (for a NUL inside text, bind the text as a parameter or write char(0))`,
  );
}

/** What a read-only server offers, as its messages say it: they name no tool it does not list. */
export const READ_ONLY_OFFER = "it offers only execute_query, list_tables and describe_table";

/**
 * A database attached on the writer, which every call and client shares, would otherwise outlive its call, even one
 * rolled back, unseen by execute_query's connection and gone at the executor's next restart; so it lasts for the
 * execute_transaction call that attaches it (attachments.ts detaches it), and the other tools refuse ATTACH and DETACH.
 */
const ATTACH_LASTS_ONE_CALL =
  "a database attached by this server lasts for one call only and is detached when that call ends, so ATTACH and DETACH are taken by execute_transaction alone; send the ATTACH there, followed by the statements that use the attached database (a SELECT among them returns its rows in results)";

function refuse(reason: string): Verdict {
  return { ok: false, reason };
}

/** The columns SQLite gives EXPLAIN and EXPLAIN QUERY PLAN statements, in order. */
const EXPLAIN_COLUMNS = ["addr,opcode,p1,p2,p3,p4,p5,comment", "id,parent,notused,detail"];

/**
 * Is a statement an EXPLAIN or EXPLAIN QUERY PLAN? Its first keyword (after comments and semicolons) is EXPLAIN, which
 * SQLite's grammar allows only there, and the `columns` SQLite gives it are EXPLAIN's own. Such a statement lists its
 * statement's program, or plan, and never runs it.
 */
export function isExplain(sql: string, columns: readonly string[]): boolean {
  return startsWithExplain(sql) && EXPLAIN_COLUMNS.includes(columns.join(","));
}
