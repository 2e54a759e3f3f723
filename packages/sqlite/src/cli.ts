#!/usr/bin/env node
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import {
  CONFIRM_OPTIONS,
  flagNames,
  MAX_TIMER_MS,
  type OptionSpec,
  packageVersion,
  runServerCli,
  selectConfirm,
  UsageError,
  wholeNumberOption,
} from "@mcp-toolkit/core";
import { chooseDatabase } from "./bin-database.js";
import { databasePathProblem } from "./database-path.js";
import { MIN_MEMORY_MB } from "./executor-options.js";
import { createSqliteServerFactory, SQLITE_DEFAULTS } from "./server.js";

const options = {
  db: {
    type: "string",
    env: "MCP_SQLITE_DB",
    default: "./workspace/data.db",
    valueName: "PATH",
    aka: ["database"],
    description: "Database file; created (with its folder) if missing, unless --read-only.",
  },
  "read-only": { type: "boolean", env: "MCP_READ_ONLY", description: "Open read-only and list no write tools." },
  "timeout-ms": {
    type: "string",
    env: "MCP_SQLITE_TIMEOUT_MS",
    default: String(SQLITE_DEFAULTS.timeoutMs),
    valueName: "MS",
    description: "Time limit per call, waiting behind others included; a statement past it is killed.",
  },
  "max-rows": {
    type: "string",
    env: "MCP_SQLITE_MAX_ROWS",
    default: String(SQLITE_DEFAULTS.maxRows),
    valueName: "N",
    description: "Rows returned per statement.",
  },
  "max-bytes": {
    type: "string",
    env: "MCP_SQLITE_MAX_BYTES",
    default: String(SQLITE_DEFAULTS.maxResponseBytes),
    valueName: "N",
    description: "Cap on each reply's JSON text (≥ 1000).",
  },
  "max-memory-mb": {
    type: "string",
    env: "MCP_SQLITE_MAX_MEMORY_MB",
    default: String(SQLITE_DEFAULTS.maxMemoryMb),
    valueName: "MIB",
    description:
      "Memory of the process statements run in (≥ 160, Node's own ~100 included); past it a statement fails.",
  },
  "allow-attach": {
    type: "boolean",
    env: "MCP_SQLITE_ALLOW_ATTACH",
    description:
      "Allow ATTACH, DETACH and VACUUM INTO, which reach files outside the database; an ATTACH lasts for the execute_transaction call that makes it.",
  },
  confirm: {
    ...CONFIRM_OPTIONS.confirm,
    // Exactly what this server asks about (read from the compiled statement); the shared text is more general.
    description:
      "destructive: ask the user (MCP elicitation) before a write drops a table, view, index or trigger, deletes every row of a table without a WHERE that filters, or REPLACEs (INSERT OR REPLACE) into a rowid table. Not asked: UPDATE, upserts, a WHERE that happens to match every row.",
  },
} as const satisfies Record<string, OptionSpec>;

void runServerCli({
  spec: {
    name: "mcp-sqlite",
    summary:
      "MCP server for one SQLite database: read-only queries proven by SQLite, bound parameters, bounded results.",
    options,
  },
  version: () => packageVersion(import.meta.url),
  configure(values) {
    const readOnly = values["read-only"];
    const choice = chooseDatabase(values.db, values.db === options.db.default, process.cwd(), homedir());
    if ("problem" in choice) throw new UsageError(choice.problem);
    const { path } = choice;
    const problem = databasePathProblem(path, readOnly, { path: `--db ${values.db || '""'}`, readOnly: "--read-only" });
    if (problem) throw new UsageError(problem);
    return {
      // One executor process for the whole server, shared by every connection or request; started on first use.
      database: path,
      readOnly,
      timeoutMs: wholeNumberOption(options, values, "timeout-ms", { min: 1, max: MAX_TIMER_MS }),
      maxRows: wholeNumberOption(options, values, "max-rows", { min: 1 }),
      maxResponseBytes: wholeNumberOption(options, values, "max-bytes", { min: 1000 }),
      maxMemoryMb: wholeNumberOption(options, values, "max-memory-mb", { min: MIN_MEMORY_MB }),
      allowAttach: values["allow-attach"],
      confirm: selectConfirm(values),
    };
  },
  createFactory(config, logger) {
    logger.info(`database: ${described(config.database, config.readOnly)}`);
    // The library's maxResponseBytes is the bin's --max-bytes.
    const flags = flagNames(options);
    const settingNames = (option: string, value?: string) =>
      flags(option === "maxResponseBytes" ? "maxBytes" : option, value);
    return createSqliteServerFactory({ ...config, logger, settingNames });
  },
});

/** The database served, for the start-up line: which file, and whether it is new or read-only. */
function described(path: string, readOnly: boolean): string {
  if (path === ":memory:") {
    return readOnly
      ? ":memory: (in memory, read-only: empty)"
      : ":memory: (a scratch file in the temporary directory, gone when the server stops)";
  }
  return `${path}${readOnly ? " (read-only)" : existsSync(path) ? "" : " (new: created when first opened)"}`;
}
