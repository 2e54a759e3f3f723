import {
  checkLibraryOptions,
  optionNames,
  packageVersion,
  type ServerBlueprint,
  type ServerFactory,
  serverFactory,
  silentLogger,
  singleServer,
  toolSet,
} from "@mcp-toolkit/core";
import type { McpServer } from "@modelcontextprotocol/server";
import type Database from "better-sqlite3";
import { ChildExecutor } from "./child-executor.js";
import { databaseFile, databasePathProblem } from "./database-path.js";
import type { Limits } from "./engine-request.js";
import { InlineExecutor, type SqliteExecutor } from "./executor.js";
import { lockWaitMs } from "./executor-options.js";
import { fileIdentity, replacedFileReason } from "./file-identity.js";
import { analyzeTablePrompt } from "./prompts/analyze-table.js";
import { exploreDatabasePrompt } from "./prompts/explore-database.js";
import { writeQueryPrompt } from "./prompts/write-query.js";
import { schemaResource } from "./resources/schema.js";
import { tableResource } from "./resources/table.js";
import { SchemaWatch } from "./schema-watch.js";
import { scratchDatabase } from "./scratch-database.js";
import {
  ignoredSettingWarnings,
  SQLITE_DEFAULTS,
  SQLITE_OPTION_RULES,
  type SqliteServerOptions,
} from "./server-options.js";
import type { ToolContext } from "./tools/context.js";
import { describeTableTool } from "./tools/describe-table.js";
import { executeQueryTool } from "./tools/execute-query.js";
import { executeTransactionTool } from "./tools/execute-transaction.js";
import { executeWriteTool } from "./tools/execute-write.js";
import { listTablesTool } from "./tools/list-tables.js";

export { SQLITE_DEFAULTS, type SqliteServerOptions } from "./server-options.js";

/** How long after serving begins (or a 2025 client's `initialized`) the executor process is started. */
const WARM_DELAY_MS = 300;

/**
 * Build the SQLite MCP server: execute_query (read-only, proven by SQLite), execute_write,
 * execute_transaction, list_tables, describe_table; the schema, each table and the statistics as resources; the
 * explore-database, write-query and analyze-table prompts.
 * One ready server, for one connection; closing it closes the database it opened. No module state: every instance
 * is independent.
 */
export function createSqliteServer(options: SqliteServerOptions): McpServer {
  checkLibraryOptions("createSqliteServer", options, SQLITE_OPTION_RULES);
  return singleServer(sqliteBlueprint(options), "createSqliteServer");
}

/**
 * The same server as a factory, for serving many connections or requests (`serveStdio(factory)`,
 * `createMcpHandler(factory)`): one executor and one set of compiled tools, shared; `close()` closes the database.
 */
export function createSqliteServerFactory(options: SqliteServerOptions): ServerFactory {
  checkLibraryOptions("createSqliteServerFactory", options, SQLITE_OPTION_RULES);
  return serverFactory(sqliteBlueprint(options));
}

function sqliteBlueprint(options: SqliteServerOptions): ServerBlueprint {
  const logger = options.logger ?? silentLogger;
  const { executor, owned, remove } = executorFor(options);
  const readOnly = executor.readOnly || options.readOnly === true;
  const names = options.settingNames ?? optionNames;
  for (const ignored of ignoredSettingWarnings(options, readOnly, names)) logger.warn(ignored);
  const limits: Limits = {
    maxRows: options.maxRows ?? SQLITE_DEFAULTS.maxRows,
    maxBytes: options.maxResponseBytes ?? SQLITE_DEFAULTS.maxResponseBytes,
    allowAttach: options.allowAttach === true,
    readOnly,
    // Counting must end well inside the time limit, or a query whose rows were cut fails at the limit instead.
    countMs: Math.min(SQLITE_DEFAULTS.countMs, Math.floor(executor.timeoutMs / 4)),
    allowAttachSetting: names("allowAttach", "true"),
    timeoutSetting: names("timeoutMs"),
    maxBytesSetting: names("maxResponseBytes"),
    maxRowsSetting: names("maxRows"),
    memorySetting: names("maxMemoryMb"),
  };
  const file = databaseFile(options.database);
  const schema = new SchemaWatch(executor, limits, file, logger);
  // The file the server serves, as the executor opens it: one replaced or removed since fails every call (the
  // executor refuses them), and the health check says so, for an orchestrator to restart the server.
  let opened = file === undefined ? undefined : fileIdentity(file);
  const unhealthy = () => {
    if (file === undefined) return undefined;
    const now = fileIdentity(file);
    if (opened === undefined) opened = now; // made at the first call: from then on
    return opened === undefined || now === opened ? undefined : replacedFileReason(file, now);
  };
  const ctx: ToolContext = {
    executor,
    limits,
    confirm: options.confirm ?? "never",
    names,
    schema,
  };
  const reads = [executeQueryTool(ctx), listTablesTool(ctx), describeTableTool(ctx)];
  const writes = readOnly ? [] : [executeWriteTool(ctx), executeTransactionTool(ctx)];
  logger.debug(`tools: ${[...reads, ...writes].map((t) => t.name).join(", ")}${readOnly ? " (read-only)" : ""}`);

  // Start the executor once a client is talking to us, after a short pause: off the cold start, and out of the
  // way of the other servers an agent boots at the same moment, yet normally before the first query (which would
  // start it anyway).
  let warming: NodeJS.Timeout | undefined;
  const warm = () => {
    warming ??= setTimeout(() => executor.warm(), WARM_DELAY_MS).unref();
  };
  return {
    info: { name: "mcp-sqlite", version: packageVersion(import.meta.url) },
    tools: toolSet([...reads, ...writes], { names }),
    prompts: [exploreDatabasePrompt(ctx), writeQueryPrompt(ctx), analyzeTablePrompt(ctx)],
    resources: { resources: [schemaResource(ctx)], templates: [tableResource(ctx)] },
    statsUri: "sqlite://stats",
    // Only what the server lists: a read-only one takes no rows to write.
    largeRequestAdvice: readOnly
      ? "a shorter statement, with fewer or smaller params, in each execute_query call"
      : "many rows over several execute_write or execute_transaction calls, not all in one",
    unhealthy,
    // Read-only too: another connection may change the list, which the poll notices.
    onResourcesChanged(fire, audience) {
      schema.subscribe(fire);
      schema.poll(audience);
    },
    setup(server) {
      server.server.oninitialized = warm;
    },
    warm,
    async close() {
      clearTimeout(warming);
      schema.stop();
      if (!owned) return;
      await executor.close().catch((error: unknown) => logger.warn(`closing the database failed: ${String(error)}`));
      remove?.();
    },
  };
}

function executorFor(options: SqliteServerOptions): { executor: SqliteExecutor; owned: boolean; remove?: () => void } {
  const { database } = options;
  const timeoutMs = options.timeoutMs ?? SQLITE_DEFAULTS.timeoutMs;
  const busyTimeoutMs = lockWaitMs(timeoutMs, options.busyTimeoutMs);
  const readOnly = options.readOnly === true;
  const { maxMemoryMb } = options;
  if (typeof database === "string") {
    const names = { path: `database ${JSON.stringify(database)}`, readOnly: "readOnly: true" };
    // A library's process may hold its own connection to the file: its header is not read here (database-path.ts);
    // the executor's process reads it, and a file that is not a database fails each call saying so.
    const problem = databasePathProblem(database, readOnly, names, false);
    // No path at all is a value of the wrong shape; the rest is what the file system holds.
    if (problem) throw database === "" ? new TypeError(problem) : new Error(problem);
    const entry = options.executorEntry ? { entry: options.executorEntry } : {};
    const memory = maxMemoryMb ?? SQLITE_DEFAULTS.maxMemoryMb;
    // Read-only, an in-memory database holds nothing to lose: it stays in the executor's memory.
    const scratch = database === ":memory:" && !readOnly ? scratchDatabase() : undefined;
    let executor: ChildExecutor;
    try {
      executor = new ChildExecutor({
        path: scratch?.path ?? database,
        readOnly,
        timeoutMs,
        busyTimeoutMs,
        maxMemoryMb: memory,
        ...entry,
      });
    } catch (error) {
      // No server will close it: the caller gets the error, not a folder left in the temporary directory.
      scratch?.remove();
      throw error;
    }
    return { ...(scratch ? { remove: scratch.remove } : {}), executor, owned: true };
  }
  if (maxMemoryMb !== undefined) {
    throw new TypeError(
      "maxMemoryMb bounds the process a database path is run in; an open Database runs in this process, whose memory is yours to bound, and an executor takes it in its own options",
    );
  }
  if (typeof (database as Database.Database).prepare === "function") {
    return {
      executor: new InlineExecutor(database as Database.Database, { readOnly, timeoutMs, busyTimeoutMs }),
      owned: true,
    };
  }
  return { executor: database as SqliteExecutor, owned: false };
}
