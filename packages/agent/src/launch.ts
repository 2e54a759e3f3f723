import { closeSync, existsSync, openSync } from "node:fs";
import { join } from "node:path";
import { makeDirs, UsageError } from "@mcp-toolkit/core";
import { auditFileProblem } from "./audit-file.js";
import { DATABASE_FILE } from "./builtin-servers.js";
import { type AgentConfig, MISSING_KEY, type ServerSpec } from "./config.js";
import type { ProcessTransport } from "./process-transport.js";
import { stdioTransport } from "./transports.js";

/** What must hold before any server starts: a credential (unless only listing tools), a terminal for --ask. */
export function preflight(config: AgentConfig, listTools: boolean, stdinIsTTY: boolean): void {
  if (!listTools && !config.apiKey && !config.authToken) throw new UsageError(MISSING_KEY);
  if (config.ask && !listTools && !stdinIsTTY) {
    throw new UsageError("--ask needs a terminal to ask on (stdin is not a TTY); drop --ask or use --read-only");
  }
  // Found now, not at the first call: the calls would run unrecorded.
  const audit = listTools ? undefined : auditFileProblem(config.auditFile);
  if (audit) throw new UsageError(`the audit log ${audit}; give --audit FILE a file the agent can write`);
}

/**
 * Create the built-in servers' workspace (mkdir -p); true if it did not exist. A path that cannot be one — a file,
 * or a folder we may not create — is a usage error in one line, not a stack trace after the servers fail.
 */
export function makeWorkspace(workspace: string): boolean {
  try {
    return makeDirs(workspace);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "EEXIST" || code === "ENOTDIR"
        ? "is a file, or lies under one; give a folder"
        : `cannot be created (${code ?? (error as Error).message})`;
    throw new UsageError(`the workspace ${workspace} ${why} (--workspace DIR or MCP_WORKSPACE)`);
  }
}

/** Make the workspace, saying so when it is new: a mistyped --workspace should not pass as an empty project. */
export function createdNotice(workspace: string, notice: (line: string) => void): void {
  if (makeWorkspace(workspace)) notice(`created the workspace ${workspace} (it did not exist)`);
}

/**
 * Under --read-only the built-in db server opens its database read-only, which cannot create it: on a fresh workspace
 * it would refuse to start. An empty file is an empty SQLite database, so it is made here (the workspace too); the
 * path if it was made. Anything in the way (permissions) is left for the db server to report.
 */
export function makeReadOnlyDatabase(
  config: Pick<AgentConfig, "readOnly" | "servers" | "workspace">,
): string | undefined {
  if (!config.readOnly || !config.servers.some((s) => s.builtin && s.name === "db")) return undefined;
  makeWorkspace(config.workspace);
  const path = join(config.workspace, DATABASE_FILE);
  try {
    closeSync(openSync(path, "wx"));
    return path;
  } catch {
    return undefined;
  }
}

/** makeReadOnlyDatabase, saying so when it made one. */
export function readOnlyDatabaseNotice(
  config: Pick<AgentConfig, "readOnly" | "servers" | "workspace">,
  notice: (line: string) => void,
): void {
  const made = makeReadOnlyDatabase(config);
  if (made) notice(`created ${made}, an empty database: the read-only db server cannot create one`);
}

/** The built-in servers' workspace (and, read-only, their empty database), each said when it is new. */
export function prepareWorkspace(config: AgentConfig, notice: (line: string) => void): void {
  if (!config.servers.some((s) => s.builtin)) return;
  createdNotice(config.workspace, notice);
  readOnlyDatabaseNotice(config, notice);
}

/** Built-in servers whose bin is missing: reported with a hint, never started. */
export function unbuiltServers(config: AgentConfig): ServerSpec[] {
  return config.servers.filter((s) => s.builtin && s.kind === "stdio" && !existsSync(s.args[0] ?? ""));
}

/**
 * Start every startable stdio server's process now, before the rest of the agent loads, so the servers boot
 * while it does (the CLI's first step after reading its configuration). The built-in servers' workspace is
 * created first (prepareWorkspace). The returned transports are handed to ServerPool.start, which connects them.
 */
export function spawnServers(
  config: AgentConfig,
  env: Record<string, string | undefined>,
  onStderr: ((server: string, line: string) => void) | undefined,
  notice: (line: string) => void = () => {},
): Map<string, ProcessTransport> {
  prepareWorkspace(config, notice);
  const unbuilt = unbuiltServers(config);
  const spawned = new Map<string, ProcessTransport>();
  for (const spec of config.servers) {
    if (spec.kind !== "stdio" || unbuilt.includes(spec)) continue;
    const transport = stdioTransport(spec, env, onStderr && ((line) => onStderr(spec.name, line)));
    transport.spawn();
    spawned.set(spec.name, transport);
  }
  return spawned;
}
