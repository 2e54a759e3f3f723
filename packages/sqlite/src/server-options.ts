// What createSqliteServer takes: its options, their defaults, and the rules they are checked by.
import {
  CONFIRM_RULE,
  type ConfirmMode,
  ignoredConfirmWarning,
  type Logger,
  MAX_TIMER_MS,
  type OptionRules,
  optionRule as rule,
  type SettingNames,
} from "@mcp-toolkit/core";
import type Database from "better-sqlite3";
import type { SqliteExecutor } from "./executor.js";
import { DEFAULT_MAX_MEMORY_MB, MIN_MEMORY_MB } from "./executor-options.js";

/** Defaults for every limit; the bin and README quote these. */
export const SQLITE_DEFAULTS = {
  timeoutMs: 30_000,
  maxRows: 500,
  maxResponseBytes: 100_000,
  /** How long to keep counting past the row cap to report a total (at most a quarter of the time limit). */
  countMs: 1000,
  /** Memory of the executor process, in MiB. */
  maxMemoryMb: DEFAULT_MAX_MEMORY_MB,
} as const;

/** Options for createSqliteServer. */
export interface SqliteServerOptions {
  /**
   * A file path (opened in a child process that can be killed at the time limit), an open better-sqlite3
   * Database (used in this process as is; the limit is then checked between rows only), or an executor
   * shared by several servers, whose own readOnly and timeout apply and which its creator closes.
   */
  database: string | Database.Database | SqliteExecutor;
  /** Open read-only and list no write tools; a path must then name an existing file. Default false. */
  readOnly?: boolean;
  /** Time limit per call, in ms. Default 30000. */
  timeoutMs?: number;
  /**
   * How long a statement waits for another connection's lock before failing with "database is locked". Held to half
   * of timeoutMs, so a lock wait is never mistaken for a runaway statement. Default 5000 (or half of timeoutMs).
   */
  busyTimeoutMs?: number;
  /** Rows returned per statement. Default 500. */
  maxRows?: number;
  /** Cap on each reply's JSON text, in bytes. Default 100000. */
  maxResponseBytes?: number;
  /**
   * Allow ATTACH, DETACH and VACUUM INTO, which reach other files; an ATTACH lasts for the execute_transaction call
   * that makes it. Default false.
   */
  allowAttach?: boolean;
  /**
   * For a path: memory the executor process may use, in MiB, at least 160; about 100 of it is Node's own. A statement
   * that needs more stops with an error naming it. On Linux it holds the whole process (SQLite's memory and the rows
   * in JavaScript), elsewhere the JavaScript heap only. Refused with an open Database (this process is the caller's
   * to bound) or an executor (set it there). Default 256.
   */
  maxMemoryMb?: number;
  /**
   * `destructive`: before execute_write or execute_transaction drops a table, view, index or trigger, or deletes
   * every row of a table, ask the user (MCP elicitation), naming what would be lost. Default `never`.
   */
  confirm?: ConfirmMode;
  /** How refusals name settings. Default: these options' names (`allowAttach: true`); the bin names its flags. */
  settingNames?: SettingNames;
  /** For a path: the executor's entry script, if this package is bundled away from its dist/executor-child.js. */
  executorEntry?: string;
  logger?: Logger;
}

/** What each option must be, checked before anything is built: plain JavaScript callers get one clear error. */
export const SQLITE_OPTION_RULES: OptionRules<SqliteServerOptions> = {
  database: rule.aka(
    rule.required({
      expects: "a file path, an open better-sqlite3 Database or a SqliteExecutor",
      test: (value) =>
        // "" is left to the path check, whose refusal says what to give instead (a bin's --db "" reaches it too).
        typeof value === "string" ||
        (typeof value === "object" && value !== null && ["prepare", "run"].some((m) => m in value)),
    }),
    "db",
    "path",
    "file",
    "filename",
  ),
  readOnly: rule.boolean,
  timeoutMs: rule.wholeNumber(1, MAX_TIMER_MS),
  busyTimeoutMs: rule.wholeNumber(0, MAX_TIMER_MS),
  maxRows: rule.wholeNumber(1),
  maxResponseBytes: rule.wholeNumber(1000),
  allowAttach: rule.boolean,
  maxMemoryMb: rule.wholeNumber(MIN_MEMORY_MB),
  confirm: CONFIRM_RULE,
  settingNames: rule.function,
  executorEntry: rule.text,
  logger: rule.logger,
};

/**
 * The start-up warnings for settings a read-only server (`readOnly`, or a read-only `database`) never uses: ATTACH,
 * DETACH and VACUUM INTO (allowAttach) and the questions of confirm: destructive are only the write tools', which such
 * a server does not list.
 */
export function ignoredSettingWarnings(
  options: Pick<SqliteServerOptions, "allowAttach" | "readOnly" | "confirm">,
  readOnly: boolean,
  names: SettingNames,
): string[] {
  if (!readOnly) return [];
  const why = options.readOnly === true ? names("readOnly", "true") : "a database opened read-only";
  const attach =
    options.allowAttach === true
      ? `${names("allowAttach", "true")} has no effect with ${why}: only execute_write and execute_transaction take ATTACH, DETACH and VACUUM INTO, and a read-only server lists neither, so it is ignored`
      : undefined;
  const confirm = ignoredConfirmWarning(
    options.confirm,
    why,
    "only execute_write and execute_transaction ask the user first, and a read-only server lists neither",
    names,
  );
  return [attach, confirm].filter((line) => line !== undefined);
}
