import { homedir } from "node:os";
import { resolve } from "node:path";
import { closest, expandHome, UsageError } from "@mcp-toolkit/core";
import { readEnvFile, withEditorVariables } from "./editor-vars.js";
import { expandMap, expandVars, UnsetVariable } from "./expand.js";
import { serverNameProblem } from "./naming.js";
import { type OAuthSettings, parseRemoteEntry, type RemoteTransport } from "./remote-spec.js";
import { readServersJson } from "./servers-json.js";

/** A server started as a child process speaking MCP on stdio. */
export interface StdioServerSpec {
  kind: "stdio";
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string | undefined;
  builtin: boolean;
  /**
   * Built-in servers: the same server started from its startup snapshot (snapshot.ts), tried first; `args` (the
   * bin, which any node can run) is the fallback and what --print-config shows.
   */
  snapshotArgs?: string[] | undefined;
  /** Variables of the agent's environment this server is not given (tls-env.ts). */
  withoutEnv?: string[] | undefined;
}

/** A remote server reached over Streamable HTTP, or a legacy HTTP+SSE or WebSocket transport. */
export interface HttpServerSpec {
  kind: "http";
  name: string;
  url: string;
  headers: Record<string, string>;
  builtin: false;
  /** Absent: Streamable HTTP (remote-spec.ts). */
  transport?: Exclude<RemoteTransport, "streamable-http"> | undefined;
  /** OAuth client settings from mcp.json (oauth-client.ts); a server that asks for OAuth gets it without them too. */
  oauth?: OAuthSettings | undefined;
  /** The servers file given with --config, absolute, so a hint to run --login names it too; absent for ./mcp.json. */
  configFile?: string | undefined;
}

export type ServerSpec = StdioServerSpec | HttpServerSpec;

/** The settings an entry is read for; anything else is ignored, as other clients' own keys are. */
const ENTRY_KEYS = ["command", "args", "env", "envFile", "cwd", "url", "type", "headers", "oauth", "disabled"];

/**
 * Other names for a setting, from other clients' formats (Windsurf's `serverUrl`, Gemini CLI's `httpUrl`) or written
 * out in full (`arguments`, `environment`): ignored, they would drop what the user meant to give.
 */
const OTHER_NAMES: Record<string, string> = {
  arguments: "args",
  argv: "args",
  environment: "env",
  envVars: "env",
  environmentVariables: "env",
  workingDirectory: "cwd",
  serverUrl: "url",
  httpUrl: "url",
  uri: "url",
};

/**
 * A key one slip away from a setting the entry lacks (`headrs`, `evn`, `ulr`), or another name for one (`arguments`,
 * `enviroment`), is a mistake, not another client's key: ignored, it would drop the headers or environment the user
 * meant to give, and nothing would say so. So is `"enabled": false`, which would leave the server on.
 */
function misspeltKeyProblem(entry: Record<string, unknown>, where: string): string | undefined {
  if (entry.enabled === false && entry.disabled === undefined) {
    return `${where}.enabled is not a setting, so the server would start; to turn it off write "disabled": true`;
  }
  for (const key of Object.keys(entry)) {
    if (ENTRY_KEYS.includes(key)) continue;
    const near = closest(key, [...ENTRY_KEYS, ...Object.keys(OTHER_NAMES)]);
    const setting = near === undefined ? undefined : (OTHER_NAMES[near] ?? near);
    if (setting !== undefined && !(setting in entry)) {
      return `${where}.${key} is not a setting (did you mean ${setting}?); an entry takes command, args, env, cwd (stdio) or url, type, headers, oauth (remote)`;
    }
  }
  return undefined;
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new UsageError(`${where} must be an object of strings`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") throw new UsageError(`${where}.${k} must be a string${asString(v)}`);
  }
  return value as Record<string, string>;
}

/** `: write "3000"` for a number or true/false given where text is wanted (`"PORT": 3000`), else nothing. */
function asString(value: unknown): string {
  return typeof value === "number" || typeof value === "boolean" ? `: write ${JSON.stringify(String(value))}` : "";
}

/** Why `args` is not a list of strings, with what to write: a list, one argument a string. */
function argsProblem(args: unknown, where: string): string | undefined {
  if (typeof args === "string") {
    const words = args
      .trim()
      .split(/\s+/)
      .map((w) => JSON.stringify(w));
    return `${where}.args must be a list, one string per argument: write [${words.join(", ")}]`;
  }
  if (!Array.isArray(args)) return `${where}.args must be an array of strings`;
  const i = args.findIndex((a) => typeof a !== "string");
  return i === -1 ? undefined : `${where}.args[${i}] must be a string${asString(args[i])}`;
}

/**
 * Parse an mcpServers file (Claude Desktop / Claude Code format), expanding ${VAR}; null entries disable. An entry
 * referring to an unset variable without a default throws, or with `onUnset` is left out and passed to it (the
 * variable named, and where), as Claude Code starts the other servers.
 */
export function parseServersFile(
  text: string,
  file: string,
  env: Record<string, string | undefined>,
  baseDir: string,
  onUnset?: (server: string, why: string) => void,
): Map<string, ServerSpec | null> {
  const servers = readServersJson(text, file);
  const result = new Map<string, ServerSpec | null>();
  // No shell reads the file to expand `~`, and a folder named `~` is never what was meant.
  const home = env.HOME || homedir();
  const vars = withEditorVariables(env, baseDir, home);
  for (const [name, raw] of Object.entries(servers)) {
    const where = `${file}: mcpServers.${name}`;
    const problem = serverNameProblem(name);
    if (problem) throw new UsageError(`${file}: ${problem}`);
    if (typeof raw !== "object" || raw === null) throw new UsageError(`${where} must be an object`);
    const entry = raw as Record<string, unknown>;
    const misspelt = misspeltKeyProblem(entry, where);
    if (misspelt) throw new UsageError(misspelt);
    if (entry.disabled !== undefined && typeof entry.disabled !== "boolean") {
      throw new UsageError(`${where}.disabled must be true or false`);
    }
    if (entry.disabled === true) {
      result.set(name, null);
      continue;
    }
    const kindProblem = entryKindProblem(entry, where);
    if (kindProblem) throw new UsageError(kindProblem);
    try {
      if (typeof entry.url === "string") {
        result.set(name, parseRemoteEntry(name, entry, vars, where));
      } else if (typeof entry.command === "string") {
        const args = entry.args ?? [];
        const badArgs = argsProblem(args, where);
        if (badArgs) throw new UsageError(badArgs);
        const path = (value: string, at: string) => resolve(baseDir, expandHome(expandVars(value, vars, at), home));
        const cwd = typeof entry.cwd === "string" ? path(entry.cwd, `${where}.cwd`) : undefined;
        if (given(entry.envFile) && typeof entry.envFile !== "string") {
          throw new UsageError(`${where}.envFile must be a string (the path of a .env file)`);
        }
        // VS Code's: its variables first, those of `env` over them.
        const fromFile =
          typeof entry.envFile === "string"
            ? readEnvFile(path(entry.envFile, `${where}.envFile`), `${where}.envFile`)
            : {};
        const command = expandHome(expandVars(entry.command, vars, `${where}.command`), home);
        if (command.trim() === "") throw new UsageError(`${where}.command is empty; give the program to run`);
        result.set(name, {
          kind: "stdio",
          name,
          command,
          args: (args as string[]).map((a, i) => expandVars(a, vars, `${where}.args[${i}]`)),
          env: { ...fromFile, ...expandMap(stringMap(entry.env, `${where}.env`), vars, `${where}.env`) },
          cwd,
          builtin: false,
        });
      } else {
        throw new UsageError(`${where} needs "command" (stdio) or "url" (Streamable HTTP, SSE or WebSocket)`);
      }
    } catch (error) {
      if (error instanceof UnsetVariable && onUnset) {
        onUnset(name, error.message);
        continue;
      }
      if (error instanceof UsageError) throw error;
      throw new UsageError((error as Error).message);
    }
  }
  return result;
}

/** The settings only a local (`command`) entry takes, and those only a remote (`url`) one does. */
const STDIO_ONLY = ["args", "env", "envFile", "cwd"];
const REMOTE_ONLY = ["headers", "oauth"];

/**
 * Why an entry is neither clearly local nor clearly remote: both `command` and `url`, a `command` or `url` that is not
 * text, or a setting of the other kind (`oauth` beside a command, `env` beside a url), which would be ignored.
 */
function entryKindProblem(entry: Record<string, unknown>, where: string): string | undefined {
  // An empty setting (null, {}, []), as tools that write every field leave, is no setting.
  const has = (key: string) => given(entry[key]);
  if (has("command") && has("url")) {
    return `${where} has both "command" and "url"; give one: command for a server this machine runs, url for a remote one`;
  }
  for (const key of ["command", "url"]) {
    if (has(key) && typeof entry[key] !== "string") {
      return `${where}.${key} must be a string (${key === "command" ? "the program to run" : "the server's address"})`;
    }
  }
  // Claude Code writes `"type": "stdio"` beside a command; any other type is a remote one's.
  if (has("command") && has("type") && entry.type !== "stdio") {
    return `${where}.type ${JSON.stringify(entry.type)} is for a remote (url) server, and this entry has a command; use "stdio" or leave it out`;
  }
  if (!has("url") && !has("command")) return undefined;
  const [kind, foreign] = has("url") ? ["url", STDIO_ONLY] : ["command", REMOTE_ONLY];
  const stray = foreign.find(has);
  if (stray !== undefined) {
    return `${where}.${stray} is for ${kind === "url" ? "a server run by command" : "a remote (url) server"}, and this entry has a ${kind}; move it or remove it`;
  }
  return undefined;
}

function given(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  return typeof value !== "object" || Object.keys(value).length > 0;
}
