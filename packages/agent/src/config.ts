import { existsSync, readFileSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import {
  expandHome,
  HOST_LIST_EXAMPLE,
  MAX_TIMER_MS,
  parseEnvBoolean,
  parseEnvList,
  parseWholeNumber,
  topDirectoryProblem,
  UsageError,
} from "@mcp-toolkit/core";
import { builtinServers, DATABASE_FILE, databaseFiles } from "./builtin-servers.js";
import type { FlagValues } from "./flags.js";
import { loginDirectory } from "./login-directory.js";
import { parseServersFile, type ServerSpec } from "./servers-file.js";
import { AUDIT_DIR, guardedPaths, workspaceConfigProblem } from "./workspace-trust.js";

export type { HttpServerSpec, ServerSpec, StdioServerSpec } from "./servers-file.js";

/** Default model: a current Claude Sonnet id from the SDK's Model list. */
export const DEFAULT_MODEL = "claude-sonnet-5-5";

/** Everything the agent needs, resolved from flags, environment and mcp.json. */
export interface AgentConfig {
  task: string | undefined;
  workspace: string;
  servers: ServerSpec[];
  model: string;
  baseURL: string | undefined;
  apiKey: string | undefined;
  authToken: string | undefined;
  maxTurns: number;
  maxTokens: number;
  thinking: number | undefined;
  toolTimeoutMs: number;
  startupTimeoutMs: number;
  outputBudgetTokens: number;
  maxRetries: number;
  readOnly: boolean;
  ask: boolean;
  /** Hosts the built-in api server may reach (its --allow-hosts); empty: any public host. */
  allowHosts: string[];
  strict: boolean;
  auditFile: string;
  json: boolean;
  verbose: boolean;
  toolSearch: "auto" | "on" | "off";
  /** Servers may ask the run's model for completions (sampling), within samplingBudget tokens in all. */
  allowSampling: boolean;
  samplingBudget: number;
  /** How long a started streamed reply may send nothing (default STREAM_IDLE_MS; tests shorten it). */
  streamIdleMs?: number | undefined;
  /** The servers file read (--config, or ./mcp.json when there is one), absolute; undefined when none was. */
  serversFile?: string | undefined;
}

/** Resolve flags, environment and the servers file into an AgentConfig; throws UsageError. */
export function resolveConfig(
  flags: FlagValues,
  positionals: readonly string[],
  env: Record<string, string | undefined>,
  cwd: string,
): AgentConfig {
  // `--workspace=~/x` and the like: no shell expanded the `~` (home-path.ts).
  const home = env.HOME || homedir();
  const atHome = (path: string) => expandHome(path, home);
  // Given, but blank (an unset variable in a script): resolved, "" would be the current folder, or any host.
  for (const [flag, name] of [
    ["workspace", "--workspace"],
    ["audit", "--audit"],
    ["allow-hosts", "--allow-hosts"],
    ["model", "--model"],
  ] as const) {
    const value = flags[flag];
    if (typeof value === "string" && value.replace(/[\s,]/g, "") === "") {
      throw new UsageError(`${name} is empty (${JSON.stringify(value)}); give a value, or leave the flag out`);
    }
  }
  if (positionals.length > 0 && positionals.join("").trim() === "") {
    throw new UsageError("the task is blank; say what to do, or give no task for the interactive session");
  }
  const workspace = resolve(cwd, atHome(flags.workspace ?? envWorkspace(env) ?? "workspace"));
  const readOnly = flags["read-only"] === true;
  const ask = flags.ask === true;
  // The api server's own variable is the default, read by the same rule, so the agent knows the fence it would have
  // anyway.
  const allowHosts = parseEnvList(
    flags["allow-hosts"] === undefined ? "MCP_HTTP_ALLOW_HOSTS" : "--allow-hosts",
    flags["allow-hosts"] ?? env.MCP_HTTP_ALLOW_HOSTS ?? "",
    ",",
    HOST_LIST_EXAMPLE,
  );
  // Passed as its flag, as the hosts are, so --print-config registers the fence the run had.
  const loopbackEnv = env.MCP_HTTP_ALLOW_LOOPBACK;
  const allowLoopback =
    flags["allow-loopback"] === true ||
    (loopbackEnv !== undefined && parseEnvBoolean("MCP_HTTP_ALLOW_LOOPBACK", loopbackEnv));
  const toolSearch = (flags["tool-search"] ?? "auto") as AgentConfig["toolSearch"];
  if (!["auto", "on", "off"].includes(toolSearch)) throw new UsageError(`--tool-search must be auto, on or off`);

  const auditFile = resolve(cwd, atHome(flags.audit ?? join(workspace, AUDIT_DIR, "audit.jsonl")));
  if (flags.audit !== undefined) {
    const clash = auditClash(auditFile, {
      "the servers file ./mcp.json": join(cwd, "mcp.json"),
      ...(flags.config ? { [`the servers file ${flags.config}`]: resolve(cwd, atHome(flags.config)) } : {}),
      ...Object.fromEntries(databaseFiles(join(workspace, DATABASE_FILE)).map((f) => [`the db server's ${f}`, f])),
    });
    if (clash) {
      throw new UsageError(`--audit ${flags.audit} is ${clash}: the audit log would write into it; give another file`);
    }
  }
  const configFile = flags.config ?? (existsSync(join(cwd, "mcp.json")) ? "mcp.json" : undefined);
  const configPath = configFile === undefined ? undefined : resolve(cwd, atHome(configFile));
  const configured =
    configFile === undefined || configPath === undefined
      ? new Map<string, ServerSpec | null>()
      : readServersFile(configFile, configPath, flags, workspace, env);
  // The audit log, ./mcp.json (even before it exists: the next start would read it) and the servers file in use.
  // The file server reads MCP_FS_HIDE only when no --hide is given, and the agent always gives some: pass them on.
  const userHidden = parseEnvList("MCP_FS_HIDE", env.MCP_FS_HIDE ?? "", delimiter);
  // And the stored OAuth tokens, when the workspace holds them (-w ~), and the built-in db server's files while it
  // has them open: a file tool writing, moving or deleting one of them would corrupt the database or lose its
  // last commits.
  const builtinDb = !configured.has("db");
  const guarded = guardedPaths(workspace, [
    auditFile,
    join(cwd, "mcp.json"),
    ...(configPath ? [configPath] : []),
    loginDirectory(env),
    ...(builtinDb ? databaseFiles(join(workspace, DATABASE_FILE)) : []),
  ]);
  const hide = [...new Set([...guarded, ...userHidden])];
  const servers = new Map<string, ServerSpec | null>(
    builtinServers(workspace, { readOnly, hide, allowHosts, allowLoopback }, env).map((s) => [s.name, s]),
  );
  for (const [name, spec] of configured) {
    // Turning a built-in off narrows what the model can do; putting another command in its place does not.
    if (spec !== null && servers.get(name)?.builtin && flags["allow-replace-builtin"] !== true) {
      throw new UsageError(
        `${configFile}: mcpServers.${name} would replace the built-in ${name} server; rename it, or pass --allow-replace-builtin to replace it ({"disabled": true} only turns the built-in off)`,
      );
    }
    servers.set(
      name,
      spec?.kind === "http" && flags.config !== undefined ? { ...spec, configFile: configPath as string } : spec,
    );
  }
  // As the file and db servers refuse to: a /workspace made at the top of the disk is never what was meant (a
  // service or a launcher started the agent there). A login or logout touches no workspace.
  const defaulted = flags.workspace === undefined && envWorkspace(env) === undefined;
  const touchesWorkspace = flags.login === undefined && flags.logout === undefined;
  if (defaulted && touchesWorkspace && [...servers.values()].some((s) => s?.builtin)) {
    const problem = topDirectoryProblem(cwd, {
      flag: "--workspace DIR (MCP_WORKSPACE)",
      names: "the folder the agent works in",
      why: "./workspace would be made at the top of the disk",
    });
    if (problem) throw new UsageError(problem);
  }

  const thinking =
    flags.thinking === undefined
      ? undefined
      : parseWholeNumber(flags.thinking, "--thinking", { min: 1024, max: MAX_OUTPUT_TOKENS });
  const maxTokens = parseWholeNumber(flags["max-tokens"], "--max-tokens", {
    min: 1,
    max: MAX_OUTPUT_TOKENS,
    fallback: 16_000,
  });
  const baseURL = env.ANTHROPIC_BASE_URL?.trim() || undefined;
  if (baseURL !== undefined && (!/^https?:\/\/[^/\s]/i.test(baseURL) || !URL.canParse(baseURL))) {
    throw new UsageError(
      `ANTHROPIC_BASE_URL=${withoutPassword(baseURL)} is not an http(s) URL; set it like https://api.anthropic.com, or unset it`,
    );
  }
  return {
    task: positionals.length > 0 ? positionals.join(" ") : undefined,
    workspace,
    serversFile: configPath,
    servers: [...servers.values()].filter((s): s is ServerSpec => s !== null),
    model: flags.model ?? (env.ANTHROPIC_MODEL?.trim() || DEFAULT_MODEL),
    baseURL,
    apiKey: env.ANTHROPIC_API_KEY?.trim() || undefined,
    authToken: env.ANTHROPIC_AUTH_TOKEN?.trim() || undefined,
    maxTurns: parseWholeNumber(flags["max-turns"], "--max-turns", { min: 1, fallback: 25 }),
    maxTokens: thinking !== undefined ? Math.max(maxTokens, thinking + 4096) : maxTokens,
    thinking,
    toolTimeoutMs: parseWholeNumber(
      flags["tool-timeout"] ?? env.MCP_TOOL_TIMEOUT,
      "--tool-timeout (MCP_TOOL_TIMEOUT)",
      { min: 1, max: MAX_TIMER_MS, fallback: 60_000 },
    ),
    startupTimeoutMs: parseWholeNumber(flags["startup-timeout"], "--startup-timeout", {
      min: 1,
      max: MAX_TIMER_MS,
      fallback: 20_000,
    }),
    outputBudgetTokens: parseWholeNumber(
      flags["output-budget"] ?? env.MAX_MCP_OUTPUT_TOKENS,
      "--output-budget (MAX_MCP_OUTPUT_TOKENS)",
      { min: 1, fallback: 25_000 },
    ),
    maxRetries: parseWholeNumber(flags["max-retries"], "--max-retries", { min: 0, max: 10, fallback: 3 }),
    readOnly,
    ask,
    allowHosts,
    strict: flags.strict === true,
    auditFile,
    json: flags.json === true,
    verbose: flags.verbose === true,
    toolSearch,
    allowSampling: flags["allow-sampling"] === true,
    samplingBudget: parseWholeNumber(flags["sampling-budget"], "--sampling-budget", { min: 0, fallback: 20_000 }),
  };
}

/**
 * The entries of the servers file at `path` (`file` as the user gave it), refused when it lies in the workspace and
 * the user did not vouch for it (--trust-workspace-config).
 */
function readServersFile(
  file: string,
  path: string,
  flags: FlagValues,
  workspace: string,
  env: Record<string, string | undefined>,
): Map<string, ServerSpec | null> {
  const label = flags.config === undefined ? "./mcp.json" : `--config ${flags.config}`;
  const problem = workspaceConfigProblem(workspace, path, label);
  if (problem && flags["trust-workspace-config"] !== true) throw new UsageError(problem);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new UsageError(`--config ${file}: cannot read ${path}`);
  }
  return parseServersFile(text, file, env, dirname(path));
}

/**
 * The workspace from MCP_WORKSPACE: the whole value is one path (':' included), or a JSON array of one, the form the
 * file server also reads as one path; the agent has one workspace, so a list of several is refused. Empty (or [])
 * means unset, as it does for the file server.
 */
function envWorkspace(env: Record<string, string | undefined>): string | undefined {
  const raw = env.MCP_WORKSPACE;
  if (raw === undefined || raw === "") return undefined;
  if (!raw.trimStart().startsWith("[")) return raw;
  const paths = parseEnvList("MCP_WORKSPACE", raw);
  if (paths.length > 1) {
    throw new UsageError(
      `MCP_WORKSPACE lists ${paths.length} paths, but the agent works in one workspace: give one, like ["/home/me:proj"], or pass -w DIR`,
    );
  }
  return paths[0];
}

/**
 * The most output tokens a request may ask for: well above any model's, whose own limit the API names in its
 * refusal, and far below where a number stops being exact (--thinking 9007199254740991 plus its 4096).
 */
const MAX_OUTPUT_TOKENS = 10_000_000;

/** The one-line hint printed when neither credential is set. */
export const MISSING_KEY =
  "no API key: set ANTHROPIC_API_KEY (export ANTHROPIC_API_KEY=sk-ant-…), or ANTHROPIC_AUTH_TOKEN for a gateway that takes a bearer token";

/** What `file` (the audit log) would overwrite, named as `files` names it, if it is one of them. */
function auditClash(file: string, files: Record<string, string>): string | undefined {
  const real = realOrSelf(file);
  return Object.entries(files).find(([, path]) => path === file || realOrSelf(path) === real)?.[0];
}

/** `path` with its symlinks resolved, when it exists; else itself. */
function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** A URL as an error may quote it: a password in it is not repeated. */
function withoutPassword(url: string): string {
  // Up to the last @: a URL that does not parse may hold a / or an @ in its password.
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@\s:]*):.*@/i, "$1:[redacted]@");
}
