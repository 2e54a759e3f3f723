import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join, resolve } from "node:path";
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
import { auditClash } from "./audit-file.js";
import { builtinServers, DATABASE_FILE, databaseFiles } from "./builtin-servers.js";
import { type AgentConfig, DEFAULT_MODEL } from "./config.js";
import { envWorkspace, readServersFile } from "./config-sources.js";
import { parseBudgetUsd } from "./cost-budget.js";
import type { FlagValues } from "./flags.js";
import { loginDirectory } from "./login-directory.js";
import type { StartFailure } from "./pool-options.js";
import { withoutPassword } from "./redact.js";
import { MAX_TOKENS_DEFAULT, THINKING_REPLY_ROOM } from "./reply-tokens.js";
import type { ServerSpec } from "./servers-file.js";
import { AUDIT_DIR, guardedPaths } from "./workspace-trust.js";

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
  if (!["auto", "on", "off"].includes(toolSearch)) {
    throw new UsageError(`--tool-search must be auto, on or off, got ${JSON.stringify(toolSearch)}`);
  }

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
  // An entry with an unset variable is not started, and said so; the rest of the file still is (as Claude Code does).
  const unsetServers: StartFailure[] = [];
  const unset = (server: string, why: string) =>
    unsetServers.push({ server, why, line: `server "${server}" was not started: ${why}` });
  const configured =
    configFile === undefined || configPath === undefined
      ? new Map<string, ServerSpec | null>()
      : readServersFile(configFile, configPath, flags, workspace, env, unset);
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
  // An entry not started for its unset variable still takes the place of the built-in it names.
  for (const [name, spec] of [...configured, ...unsetServers.map((u) => [u.server, undefined] as const)]) {
    // Turning a built-in off narrows what the model can do; putting another command in its place does not.
    if (spec !== null && servers.get(name)?.builtin && flags["allow-replace-builtin"] !== true) {
      throw new UsageError(
        `${configFile}: mcpServers.${name} would replace the built-in ${name} server; rename it, or pass --allow-replace-builtin to replace it ({"disabled": true} only turns the built-in off)`,
      );
    }
    servers.set(
      name,
      spec?.kind === "http" && flags.config !== undefined
        ? { ...spec, configFile: configPath as string }
        : (spec ?? null),
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
    fallback: MAX_TOKENS_DEFAULT,
  });
  const baseURL = env.ANTHROPIC_BASE_URL?.trim() || undefined;
  if (baseURL !== undefined && (!/^https?:\/\/[^/\s]/i.test(baseURL) || !URL.canParse(baseURL))) {
    throw new UsageError(
      `ANTHROPIC_BASE_URL=${withoutPassword(baseURL)} is not an http(s) URL; set it like https://api.anthropic.com, or unset it`,
    );
  }
  const model = flags.model ?? (env.ANTHROPIC_MODEL?.trim() || DEFAULT_MODEL);
  return {
    task: positionals.length > 0 ? positionals.join(" ") : undefined,
    workspace,
    serversFile: configPath,
    unsetServers,
    servers: [...servers.values()].filter((s): s is ServerSpec => s !== null),
    model,
    baseURL,
    apiKey: env.ANTHROPIC_API_KEY?.trim() || undefined,
    authToken: env.ANTHROPIC_AUTH_TOKEN?.trim() || undefined,
    maxTurns: parseWholeNumber(flags["max-turns"], "--max-turns", { min: 1, fallback: 25 }),
    tokenBudget:
      flags["token-budget"] === undefined
        ? undefined
        : parseWholeNumber(flags["token-budget"], "--token-budget", { min: 1 }),
    costBudgetUsd: flags["max-budget-usd"] === undefined ? undefined : parseBudgetUsd(flags["max-budget-usd"], model),
    maxTokens: thinking !== undefined ? Math.max(maxTokens, thinking + THINKING_REPLY_ROOM) : maxTokens,
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
 * The most output tokens a request may ask for: well above any model's, whose own limit the API names in its
 * refusal, and far below where a number stops being exact (--thinking 9007199254740991 plus its 4096).
 */
const MAX_OUTPUT_TOKENS = 10_000_000;
