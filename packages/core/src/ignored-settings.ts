// Settings given to a server that its transport never reads: HTTP ones under stdio (a `--port 8080` without
// `--transport http` starts a stdio server that waits on its stdin), and session ones without --stateful. The
// options say which they are by the start of their description ("HTTP: …", "HTTP --stateful: …").
import type { OptionSpec } from "./cli-options.js";

/** How the server is served, as far as which settings it reads. */
export interface ServedAs {
  kind: "stdio" | "http";
  stateful?: boolean;
}

/**
 * One warning line naming the settings the server will ignore, or undefined. Under stdio only flags on the command
 * line count: the environment may be shared with servers that do serve HTTP. Over HTTP, session settings count from
 * the environment too (a compose file's MCP_MAX_SESSIONS without MCP_HTTP_STATEFUL).
 */
export function ignoredSettingsWarning(
  options: Readonly<Record<string, OptionSpec>>,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  served: ServedAs,
): string | undefined {
  const flags = flagsIn(argv);
  if (served.kind === "stdio") {
    const http = Object.keys(options).filter((key) => options[key]?.description.startsWith("HTTP") && flags.has(key));
    if (http.length === 0) return undefined;
    return `${names(http)} ${http.length === 1 ? "is" : "are"} for --transport http; this server serves stdio and ignores ${http.length === 1 ? "it" : "them"}`;
  }
  if (served.stateful) return undefined;
  const session = Object.entries(options)
    .filter(([key, opt]) => opt.description.startsWith("HTTP --stateful:") && (flags.has(key) || given(env, opt.env)))
    .map(([key, opt]) => (flags.has(key) || !opt.env ? `--${key}` : `--${key} (${opt.env})`));
  if (session.length === 0) return undefined;
  return `${session.join(", ")} ${session.length === 1 ? "bounds" : "bound"} --stateful sessions; without --stateful (MCP_HTTP_STATEFUL) every client is served statelessly and ${session.length === 1 ? "it has" : "they have"} no effect`;
}

/** The long option names on a command line, up to a `--` that ends the options. */
function flagsIn(argv: readonly string[]): Set<string> {
  const flags = new Set<string>();
  for (const arg of argv) {
    if (arg === "--") break;
    const match = /^--([^=]+)/.exec(arg);
    if (match?.[1]) flags.add(match[1]);
  }
  return flags;
}

function given(env: Readonly<Record<string, string | undefined>>, name: string | undefined): boolean {
  return name !== undefined && (env[name]?.trim() ?? "") !== "";
}

function names(keys: readonly string[]): string {
  return keys.map((key) => `--${key}`).join(", ");
}
