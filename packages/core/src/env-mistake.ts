// A misspelt setting in the environment (a Claude Desktop `env` block with MCP_READONLY for MCP_READ_ONLY) would be
// ignored without a word, and the server would run without it: writable, or open to every public host. The
// environment is shared with other programs, so such a name is warned about, not refused, and only when it is a near
// miss of a setting this server reads.
import { closest } from "./nearest-name.js";

/** The settings every bin reads from the environment only: secrets, never flags. */
export const ENV_ONLY_SETTINGS = ["MCP_AUTH_TOKEN", "MCP_OAUTH_CLIENT_ID", "MCP_OAUTH_CLIENT_SECRET"] as const;

/**
 * One line for each MCP_ variable set in `env` that `server` does not read (`known`) but that is a near miss of one it
 * does, naming that one. Pure.
 */
export function misspeltEnvWarnings(
  server: string,
  known: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const lines: string[] = [];
  for (const name of Object.keys(env).sort()) {
    const upper = name.toUpperCase();
    // Windows reads variables whatever their case, so a name that differs from a setting in case alone is read.
    if (!upper.startsWith("MCP_") || known.some((k) => k.toUpperCase() === upper) || env[name] === undefined) continue;
    const meant = closest(name, known);
    if (meant) lines.push(`${name} is not a setting of ${server}, so it is ignored; did you mean ${meant}?`);
  }
  return lines;
}
