import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { expandMap, expandVars } from "./expand.js";
import { serverNameProblem } from "./naming.js";

/** A configuration or usage mistake: reported in one line, exit code 2. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** A server started as a child process speaking MCP on stdio. */
export interface StdioServerSpec {
  kind: "stdio";
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string | undefined;
  builtin: boolean;
}

/** A remote server reached over Streamable HTTP. */
export interface HttpServerSpec {
  kind: "http";
  name: string;
  url: string;
  headers: Record<string, string>;
  builtin: false;
}

export type ServerSpec = StdioServerSpec | HttpServerSpec;

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
  strict: boolean;
  auditFile: string;
  json: boolean;
  verbose: boolean;
  toolSearch: "auto" | "on" | "off";
}

/** The flags, as node:util parseArgs options. */
export const FLAGS = {
  workspace: { type: "string", short: "w" },
  config: { type: "string", short: "c" },
  model: { type: "string", short: "m" },
  "max-turns": { type: "string" },
  "max-tokens": { type: "string" },
  thinking: { type: "string" },
  "tool-timeout": { type: "string" },
  "startup-timeout": { type: "string" },
  "output-budget": { type: "string" },
  "max-retries": { type: "string" },
  "tool-search": { type: "string" },
  "read-only": { type: "boolean" },
  ask: { type: "boolean" },
  strict: { type: "boolean" },
  audit: { type: "string" },
  json: { type: "boolean" },
  "list-tools": { type: "boolean" },
  "print-config": { type: "string" },
  verbose: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

/** Parsed flag values (all optional). */
export type FlagValues = { [K in keyof typeof FLAGS]?: (typeof FLAGS)[K]["type"] extends "boolean" ? boolean : string };

/** Help text: every flag and environment variable with its default. */
export const HELP = `Usage: mcp-agent [options] ["task"]      (from the repo root: pnpm agent "task")

Runs a Claude tool-use loop over MCP servers: file (filesystem), db (SQLite) and api (HTTP) by
default, plus any in ./mcp.json. With no task, starts an interactive session.

Options:
  -w, --workspace DIR      filesystem root; database is DIR/data.db     [MCP_WORKSPACE, ./workspace]
  -c, --config FILE        extra/replacement servers (mcpServers format)        [./mcp.json if present]
  -m, --model ID           Claude model                            [ANTHROPIC_MODEL, ${DEFAULT_MODEL}]
      --max-turns N        model requests per task before giving up (exit 3)                     [25]
      --max-tokens N       max output tokens per response                                    [16000]
      --thinking N         extended thinking with a budget of N tokens                             [off]
      --tool-timeout MS    per tool call                                       [MCP_TOOL_TIMEOUT, 60000]
      --startup-timeout MS per server start (spawn → tools listed)                            [20000]
      --output-budget N    tool result cap in tokens, cut with a notice  [MAX_MCP_OUTPUT_TOKENS, 25000]
      --max-retries N      API retries on 429/5xx/529 (honours retry-after)                          [3]
      --tool-search MODE   auto|on|off: defer large config-added tool sets behind tool search    [auto]
      --read-only          offer only readOnlyHint tools; built-in servers start read-only
      --ask                ask y/n on the terminal before any tool that is not read-only
      --strict             a server that fails to start is fatal
      --audit FILE         audit log (JSONL)                         [WORKSPACE/.agent/audit.jsonl]
      --json               print a machine-readable transcript and result on stdout
      --list-tools         print the namespaced tools and exit (no API key needed)
      --print-config KIND  claude-desktop | claude-code: print registration for the three servers
  -v, --verbose            server stderr, retries and stack traces
  -h, --help / --version

Environment: ANTHROPIC_API_KEY, or ANTHROPIC_AUTH_TOKEN (bearer, for gateways); ANTHROPIC_BASE_URL;
ANTHROPIC_MODEL. The agent's environment is passed on to the servers it starts (MCP_* settings).
Exit codes: 0 done, 1 failed, 2 usage/configuration, 3 turn limit reached, 130 interrupted.
`;

function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined || value.trim() === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

function nonNegativeInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined || value.trim() === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${flag} must be a whole number ≥ 0, got "${value}"`);
  return n;
}

/** Absolute path of a workspace package's built bin, found from this module so any cwd works. */
export function builtinBin(pkg: "filesystem" | "sqlite" | "http"): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve(`@mcp-toolkit/${pkg}/package.json`)), "dist", "cli.js");
}

/** The three built-in servers for a workspace: file, db and api. */
export function builtinServers(workspace: string, readOnly: boolean, node = process.execPath): StdioServerSpec[] {
  const common: Record<string, string> = { MCP_TRANSPORT: "stdio", ...(readOnly ? { MCP_READ_ONLY: "1" } : {}) };
  const spec = (name: string, pkg: "filesystem" | "sqlite" | "http", env: Record<string, string>): StdioServerSpec => ({
    kind: "stdio",
    name,
    command: node,
    args: [builtinBin(pkg)],
    env: { ...common, ...env },
    builtin: true,
  });
  return [
    spec("file", "filesystem", { MCP_WORKSPACE: workspace }),
    spec("db", "sqlite", { MCP_SQLITE_DB: join(workspace, "data.db") }),
    spec("api", "http", {}),
  ];
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new ConfigError(`${where} must be an object of strings`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") throw new ConfigError(`${where}.${k} must be a string`);
  }
  return value as Record<string, string>;
}

/** Parse an mcpServers file (Claude Desktop / Claude Code format), expanding ${VAR}; null entries disable. */
export function parseServersFile(
  text: string,
  file: string,
  env: Record<string, string | undefined>,
  baseDir: string,
): Map<string, ServerSpec | null> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const servers = (data as { mcpServers?: unknown } | null)?.mcpServers;
  if (typeof servers !== "object" || servers === null || Array.isArray(servers)) {
    throw new ConfigError(`${file}: expected {"mcpServers": {"name": {"command": …} | {"url": …}}}`);
  }
  const result = new Map<string, ServerSpec | null>();
  for (const [name, raw] of Object.entries(servers)) {
    const where = `${file}: mcpServers.${name}`;
    const problem = serverNameProblem(name);
    if (problem) throw new ConfigError(`${file}: ${problem}`);
    if (typeof raw !== "object" || raw === null) throw new ConfigError(`${where} must be an object`);
    const entry = raw as Record<string, unknown>;
    if (entry.disabled === true) {
      result.set(name, null);
      continue;
    }
    try {
      if (typeof entry.url === "string") {
        if (entry.type === "sse")
          throw new ConfigError(`${where}: the legacy SSE transport is not supported; use a Streamable HTTP url`);
        const url = expandVars(entry.url, env, `${where}.url`);
        if (!/^https?:\/\//.test(url)) throw new ConfigError(`${where}.url must start with http:// or https://`);
        const headers = expandMap(stringMap(entry.headers, `${where}.headers`), env, `${where}.headers`);
        result.set(name, { kind: "http", name, url, headers, builtin: false });
      } else if (typeof entry.command === "string") {
        const args = entry.args ?? [];
        if (!Array.isArray(args) || args.some((a) => typeof a !== "string")) {
          throw new ConfigError(`${where}.args must be an array of strings`);
        }
        const cwd =
          typeof entry.cwd === "string" ? resolve(baseDir, expandVars(entry.cwd, env, `${where}.cwd`)) : undefined;
        result.set(name, {
          kind: "stdio",
          name,
          command: expandVars(entry.command, env, `${where}.command`),
          args: (args as string[]).map((a, i) => expandVars(a, env, `${where}.args[${i}]`)),
          env: expandMap(stringMap(entry.env, `${where}.env`), env, `${where}.env`),
          cwd,
          builtin: false,
        });
      } else {
        throw new ConfigError(`${where} needs "command" (stdio) or "url" (Streamable HTTP)`);
      }
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError((error as Error).message);
    }
  }
  return result;
}

/** Resolve flags, environment and the servers file into an AgentConfig; throws ConfigError. */
export function resolveConfig(
  flags: FlagValues,
  positionals: readonly string[],
  env: Record<string, string | undefined>,
  cwd: string,
): AgentConfig {
  const workspace = resolve(cwd, flags.workspace ?? env.MCP_WORKSPACE ?? "workspace");
  const readOnly = flags["read-only"] === true;
  const ask = flags.ask === true;
  const toolSearch = (flags["tool-search"] ?? "auto") as AgentConfig["toolSearch"];
  if (!["auto", "on", "off"].includes(toolSearch)) throw new ConfigError(`--tool-search must be auto, on or off`);

  const servers = new Map<string, ServerSpec | null>(builtinServers(workspace, readOnly).map((s) => [s.name, s]));
  const configFile = flags.config ?? (existsSync(join(cwd, "mcp.json")) ? "mcp.json" : undefined);
  if (configFile) {
    const path = resolve(cwd, configFile);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      throw new ConfigError(`--config ${configFile}: cannot read ${path}`);
    }
    for (const [name, spec] of parseServersFile(text, configFile, env, dirname(path))) servers.set(name, spec);
  }

  const thinking = flags.thinking === undefined ? undefined : positiveInt(flags.thinking, "--thinking", 0);
  if (thinking !== undefined && thinking < 1024) throw new ConfigError("--thinking must be at least 1024 tokens");
  const maxTokens = positiveInt(flags["max-tokens"], "--max-tokens", 16_000);
  return {
    task: positionals.length > 0 ? positionals.join(" ") : undefined,
    workspace,
    servers: [...servers.values()].filter((s): s is ServerSpec => s !== null),
    model: flags.model ?? (env.ANTHROPIC_MODEL?.trim() || DEFAULT_MODEL),
    baseURL: env.ANTHROPIC_BASE_URL?.trim() || undefined,
    apiKey: env.ANTHROPIC_API_KEY?.trim() || undefined,
    authToken: env.ANTHROPIC_AUTH_TOKEN?.trim() || undefined,
    maxTurns: positiveInt(flags["max-turns"], "--max-turns", 25),
    maxTokens: thinking !== undefined ? Math.max(maxTokens, thinking + 4096) : maxTokens,
    thinking,
    toolTimeoutMs: positiveInt(flags["tool-timeout"] ?? env.MCP_TOOL_TIMEOUT, "--tool-timeout", 60_000),
    startupTimeoutMs: positiveInt(flags["startup-timeout"], "--startup-timeout", 20_000),
    outputBudgetTokens: positiveInt(flags["output-budget"] ?? env.MAX_MCP_OUTPUT_TOKENS, "--output-budget", 25_000),
    maxRetries: nonNegativeInt(flags["max-retries"], "--max-retries", 3),
    readOnly,
    ask,
    strict: flags.strict === true,
    auditFile: resolve(cwd, flags.audit ?? join(workspace, ".agent", "audit.jsonl")),
    json: flags.json === true,
    verbose: flags.verbose === true,
    toolSearch,
  };
}

/** The one-line hint printed when neither credential is set. */
export const MISSING_KEY =
  "no API key: set ANTHROPIC_API_KEY (export ANTHROPIC_API_KEY=sk-ant-…), or ANTHROPIC_AUTH_TOKEN for a gateway that takes a bearer token";
