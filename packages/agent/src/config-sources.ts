import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseEnvList, UsageError } from "@mcp-toolkit/core";
import type { FlagValues } from "./flags.js";
import { parseServersFile, type ServerSpec } from "./servers-file.js";
import { workspaceConfigProblem } from "./workspace-trust.js";

/**
 * The entries of the servers file at `path` (`file` as the user gave it), refused when it lies in the workspace and
 * the user did not vouch for it (--trust-workspace-config); an entry with an unset variable goes to `onUnset`.
 */
export function readServersFile(
  file: string,
  path: string,
  flags: FlagValues,
  workspace: string,
  env: Record<string, string | undefined>,
  onUnset?: (server: string, why: string) => void,
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
  return parseServersFile(text, file, env, dirname(path), onUnset);
}

/**
 * The workspace from MCP_WORKSPACE: the whole value is one path (':' included), or a JSON array of one, the form the
 * file server also reads as one path; the agent has one workspace, so a list of several is refused. Empty (or [])
 * means unset, as it does for the file server.
 */
export function envWorkspace(env: Record<string, string | undefined>): string | undefined {
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
 * What to say when --config is given and ./mcp.json is there too: one servers file is read, never both (Claude Code
 * merges its project and user files, so a user may expect both). Undefined when there is nothing to say.
 */
export function unreadServersFile(config: string | undefined, configPath: string | undefined, cwd: string) {
  const local = join(cwd, "mcp.json");
  if (config === undefined || configPath === undefined || !existsSync(local)) return undefined;
  const real = (path: string) => {
    try {
      return realpathSync(path);
    } catch {
      return resolve(path);
    }
  };
  if (real(local) === real(configPath)) return undefined;
  return `./mcp.json is not read, as --config ${config} is given (one servers file is read, not both); to use its servers too, copy them into ${config}`;
}
