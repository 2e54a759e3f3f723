export { ChildExecutor } from "./child-executor.js";
export type { EngineRequest, Limits } from "./engine-request.js";
export { InlineExecutor, type SqliteExecutor } from "./executor.js";
export type { ChildExecutorOptions } from "./executor-options.js";
export { createSqliteServer, createSqliteServerFactory, SQLITE_DEFAULTS, type SqliteServerOptions } from "./server.js";
export {
  type PolicyOptions,
  type SqlTool,
  type StatementFacts,
  type StatementKind,
  statementKind,
  verdict,
} from "./sql-policy.js";
