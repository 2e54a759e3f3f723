import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where OAuth logins are kept: `$XDG_CONFIG_HOME/mcp-toolkit/oauth`, else `~/.config/mcp-toolkit/oauth`. Apart from
 * token-store.ts because the configuration hides it from the file tools at every start, before anything else loads.
 */
export function loginDirectory(env: Record<string, string | undefined>): string {
  const base = env.XDG_CONFIG_HOME?.startsWith("/") ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), ".config");
  return join(base, "mcp-toolkit", "oauth");
}
