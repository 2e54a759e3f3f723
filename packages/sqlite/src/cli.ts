#!/usr/bin/env node
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import {
  CONFIRM_OPTIONS,
  errorMessage,
  flagNames,
  type OptionSpec,
  packageVersion,
  runServerCli,
  type ServerFactory,
  type SettingNames,
  selectConfirm,
  topDirectoryProblem,
  UsageError,
  wholeNumberOption,
} from "@mcp-toolkit/core";
import { MIN_MEMORY_MB } from "./child-executor.js";
import { createSqliteServerFactory, SQLITE_DEFAULTS } from "./server.js";

const options = {
  db: {
    type: "string",
    env: "MCP_SQLITE_DB",
    default: "./workspace/data.db",
    valueName: "PATH",
    description: "Database file; created (with its folder) if missing, unless --read-only.",
  },
  "read-only": { type: "boolean", env: "MCP_READ_ONLY", description: "Open read-only and list no write tools." },
  "timeout-ms": {
    type: "string",
    env: "MCP_SQLITE_TIMEOUT_MS",
    default: String(SQLITE_DEFAULTS.timeoutMs),
    valueName: "MS",
    description: "Time limit per call; a statement past it is killed.",
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
    description: "Cap on each reply's JSON text.",
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
    description: "Allow ATTACH, DETACH and VACUUM INTO, which reach files outside the database.",
  },
  ...CONFIRM_OPTIONS,
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
    if (values.db === options.db.default) {
      const problem = topDirectoryProblem(process.cwd(), {
        flag: "--db PATH (MCP_SQLITE_DB)",
        names: "the database file",
      });
      if (problem) throw new UsageError(problem);
    }
    return {
      // One executor process for the whole server, shared by every connection or request; started on first use.
      // "" is left as it is, for the library's path check to refuse: resolved, it would name the working directory.
      database: values.db === ":memory:" || values.db === "" ? values.db : resolve(values.db),
      typedDb: values.db,
      readOnly,
      timeoutMs: wholeNumberOption(options, values, "timeout-ms", { min: 1 }),
      maxRows: wholeNumberOption(options, values, "max-rows", { min: 1 }),
      maxResponseBytes: wholeNumberOption(options, values, "max-bytes", { min: 1000 }),
      maxMemoryMb: wholeNumberOption(options, values, "max-memory-mb", { min: MIN_MEMORY_MB }),
      allowAttach: values["allow-attach"],
      confirm: selectConfirm(values),
    };
  },
  createFactory({ typedDb, ...config }, logger) {
    let factory: ServerFactory;
    try {
      // The library checks the path (a folder, a missing file under --read-only), named as the user typed it.
      factory = createSqliteServerFactory({ ...config, logger, settingNames: binNames(typedDb) });
    } catch (error) {
      throw new UsageError(errorMessage(error));
    }
    logger.info(`database: ${described(config.database, config.readOnly)}`);
    return factory;
  },
});

/** The bin's flags, with the database path as typed after --db (or set in MCP_SQLITE_DB) and a bare --read-only. */
function binNames(typedDb: string): SettingNames {
  const flags = flagNames(options);
  return (option, value) => {
    if (option === "database") return `--db ${typedDb || '""'}`;
    if (option === "readOnly") return "--read-only";
    return flags(option, value);
  };
}

/** The database served, for the start-up line: which file, and whether it is new or read-only. */
function described(path: string, readOnly: boolean): string {
  if (path === ":memory:") return ":memory: (in memory, gone when the server stops)";
  return `${path}${readOnly ? " (read-only)" : existsSync(path) ? "" : " (new: created when first opened)"}`;
}
