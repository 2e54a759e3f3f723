/** The error for a usage or configuration mistake (resolveConfig, parseServersFile), shared with the servers. */
export { UsageError } from "@mcp-toolkit/core";
export { type AuditEntry, AuditLog } from "./audit.js";
export { type BuiltinOptions, builtinServers } from "./builtin-servers.js";
export {
  type AgentConfig,
  DEFAULT_MODEL,
  type HttpServerSpec,
  type ServerSpec,
  type StdioServerSpec,
} from "./config.js";
export { expandVars } from "./expand.js";
export { JsonRenderer, type TranscriptEvent } from "./json-renderer.js";
export { type LoopDeps, type LoopOutcome, runLoop } from "./loop.js";
export { type NamedTool, namespaceTools, sanitizeToolName, serverNameProblem } from "./naming.js";
export { isOffered, isReadOnly, leavesMachine, needsConsent, type Permissions, type Reach } from "./permissions.js";
export { claudeCodeCommands, desktopConfig } from "./print-config.js";
export { ProcessTransport } from "./process-transport.js";
export { redact, redactText } from "./redact.js";
export { type Renderer, TerminalRenderer } from "./render.js";
export { resolveConfig } from "./resolve-config.js";
export { EXIT, run } from "./run.js";
export { ServerPool, type ServerTool, ToolCallError } from "./servers.js";
export { parseServersFile } from "./servers-file.js";
export { estimateCost, formatSummary, RunStats } from "./summary.js";
export { ToolCatalog } from "./tool-catalog.js";
export { ToolRunner } from "./tool-runner.js";
