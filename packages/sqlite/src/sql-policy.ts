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
 * PRAGMAs that SQLite applies to the whole process, not to one connection, while it compiles them: before
 * sqlite3_stmt_readonly or EXPLAIN can say anything, and for as long as the process lives (sqlite3Pragma() sets
 * sqlite3_temp_directory, sqlite3_data_directory (Windows builds only) and the soft and hard heap limits as it
 * parses; the hard limit cannot even be raised back). They are the one place the verdict cannot come from SQLite's
 * own account of a statement, because asking SQLite is what applies them, so they are judged by name before
 * prepare(). sql-policy.test.ts sets every pragma SQLite lists and checks that no other outlives its connection.
 */
export const PROCESS_WIDE_PRAGMAS: ReadonlySet<string> = new Set([
  "temp_store_directory",
  "data_store_directory",
  "soft_heap_limit",
  "hard_heap_limit",
]);

/**
 * May `sql` be given to SQLite at all? Refuses a PRAGMA of PROCESS_WIDE_PRAGMAS with anything after its name (a
 * value, or text SQLite would reach only after applying one, like a syntax error); the bare name only reads.
 */
export function verdictBeforePrepare(sql: string): Verdict {
  const pragma = pragmaShape(sql);
  if (!pragma?.name || !pragma.more || !PROCESS_WIDE_PRAGMAS.has(pragma.name)) return { ok: true };
  return refuse(
    `PRAGMA ${pragma.name} with a value changes a setting of the whole process, beyond this connection, as soon as SQLite compiles it, so it is not given to SQLite; PRAGMA ${pragma.name} alone reads it`,
  );
}

/** A PRAGMA statement as SQLite's tokenizer reads it. */
export interface PragmaShape {
  /** The pragma's name, unquoted, in ASCII lower case (SQLite's own matching); undefined when no name follows. */
  name: string | undefined;
  /** Anything but comments, spaces and semicolons follows the name. */
  more: boolean;
}

// What SQLite skips between tokens: spaces, -- and /* */ comments (an unclosed one runs to the end). JavaScript's \s
// is a superset of SQLite's spaces (which include U+FEFF), so what SQLite reads as one name is never read as another.
const GAP = String.raw`\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?(?:\*\/|$)`;
// SQLite's word characters: a keyword followed by one of these is part of a longer name.
const WORD_END = String.raw`(?![\w$\u0080-\uffff])`;
const LEAD = new RegExp(`^(?:${GAP}|;|(?:explain|query|plan)${WORD_END})*`, "i");
const KEYWORD = new RegExp(`^pragma${WORD_END}`, "i");
const GAPS = new RegExp(`^(?:${GAP})*`);
const GAPS_AND_SEMICOLONS = new RegExp(`^(?:${GAP}|;)*`);
const BARE_NAME = /^[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*/;
const QUOTED_NAME = /^(?:"((?:[^"]|"")*)"|`((?:[^`]|``)*)`|'((?:[^']|'')*)'|\[([^\]]*)\])/;

/**
 * How a PRAGMA reads, or undefined for any other statement: after comments, semicolons and EXPLAIN [QUERY PLAN],
 * the keyword, then `[schema.]name`, each name bare or quoted ("double", `back`, [bracket] or 'single').
 */
export function pragmaShape(sql: string): PragmaShape | undefined {
  let rest = sql.replace(LEAD, "");
  if (!KEYWORD.test(rest)) return undefined;
  rest = rest.slice("pragma".length).replace(GAPS, "");
  let name = readName(rest);
  const dot = name && rest.slice(name.length).replace(GAPS, "");
  if (dot?.startsWith(".")) {
    rest = dot.slice(1).replace(GAPS, ""); // the first name was the schema's
    name = readName(rest);
  }
  if (!name) return { name: undefined, more: rest !== "" };
  const more = rest.slice(name.length).replace(GAPS_AND_SEMICOLONS, "") !== "";
  return { name: name.value.replace(/[A-Z]/g, (c) => c.toLowerCase()), more };
}

/**
 * Is `sql` a PRAGMA (also under EXPLAIN [QUERY PLAN], after comments and semicolons)? SQLite applies many
 * PRAGMA settings (query_only, locking_mode, cache_size, …) to the connection while it compiles them, before any
 * verdict can be given, so the query tool's connection is replaced after one: whatever it set does not outlive the call.
 */
export function isPragma(sql: string): boolean {
  return pragmaShape(sql) !== undefined;
}

/** One name token at the start of `text`: its length in `text` and its value, unquoted. */
function readName(text: string): { length: number; value: string } | undefined {
  const bare = BARE_NAME.exec(text);
  if (bare) return { length: bare[0].length, value: bare[0] };
  const quoted = QUOTED_NAME.exec(text);
  if (!quoted) return undefined;
  const [token, double, back, single, bracket] = quoted;
  const value =
    double?.replaceAll('""', '"') ?? back?.replaceAll("``", "`") ?? single?.replaceAll("''", "'") ?? bracket ?? "";
  return { length: token.length, value };
}
