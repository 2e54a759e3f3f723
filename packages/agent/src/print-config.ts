import type { Writable } from "node:stream";
import { UsageError } from "@mcp-toolkit/core";
import type { AgentConfig, StdioServerSpec } from "./config.js";
import { createdNotice, readOnlyDatabaseNotice } from "./launch.js";
import { printableJson } from "./terminal-text.js";

/** A Claude Desktop `mcpServers` entry. */
export interface DesktopEntry {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** What the agent sets for its own built-in servers and a registered server needs not be told. */
const AGENT_ONLY_ENV = ["MCP_TRANSPORT", "MCP_LOG_FORMAT"];

/**
 * The `{"mcpServers": …}` block for claude_desktop_config.json: `node` plus absolute bin paths and
 * env, so each server starts from any cwd (Claude Desktop's cwd and PATH are not the user's).
 */
export function desktopConfig(servers: readonly StdioServerSpec[]): { mcpServers: Record<string, DesktopEntry> } {
  const mcpServers: Record<string, DesktopEntry> = {};
  for (const s of servers) {
    // Both are the defaults a server has where Claude Desktop or Code starts it; only the agent needs them said.
    const env = Object.fromEntries(Object.entries(s.env).filter(([k]) => !AGENT_ONLY_ENV.includes(k)));
    mcpServers[s.name] = { command: "node", args: s.args, env };
  }
  return { mcpServers };
}

/** POSIX-shell quoting for one word. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Flags that keep a built-in server's largest result under Claude Code's MAX_MCP_OUTPUT_TOKENS (25,000 tokens unless
 * set), which refuses or sets aside a larger one: 100,000 bytes of SQL JSON or characters of a page are about 25,000
 * tokens at 4 characters a token, and JSON takes more. 60,000 leaves room (the README's "Use with Claude Code").
 */
export const CLAUDE_CODE_FLAGS: Readonly<Record<string, readonly string[]>> = {
  db: ["--max-bytes=60000"],
  api: ["--max-length-limit=60000"],
};

/** `claude mcp add` lines registering each server with Claude Code (user scope). */
export function claudeCodeCommands(servers: readonly StdioServerSpec[]): string {
  const { mcpServers } = desktopConfig(servers);
  for (const s of servers) {
    const entry = mcpServers[s.name];
    if (s.builtin && entry) entry.args = [...entry.args, ...(CLAUDE_CODE_FLAGS[s.name] ?? [])];
  }
  return Object.entries(mcpServers)
    .map(([name, e]) => {
      const env = Object.entries(e.env).map(([k, v]) => `--env ${shellQuote(`${k}=${v}`)}`);
      return [
        "claude mcp add",
        "--transport stdio",
        "--scope user",
        // The name goes first: Claude Code's --env takes every following word up to "--" as KEY=VALUE.
        shellQuote(name),
        ...env,
        "--",
        e.command,
        ...e.args.map(shellQuote),
      ].join(" ");
    })
    .join("\n");
}

/**
 * Print the Claude Desktop block or Claude Code commands for the built-in servers on `out`; what it had to create
 * (the workspace, a read-only database) is said through `notice`, as a run says it.
 */
export function printConfig(config: AgentConfig, kind: string, out: Writable, notice: (line: string) => void): void {
  if (kind !== "claude-desktop" && kind !== "claude-code") {
    throw new UsageError(`--print-config must be claude-desktop or claude-code, got "${kind}"`);
  }
  const builtins = config.servers.filter((s): s is StdioServerSpec => s.kind === "stdio" && s.builtin);
  // The filesystem server refuses a root that does not exist, and a read-only db server a database that does not;
  // the printed config must work as is.
  if (builtins.some((s) => s.name === "file")) createdNotice(config.workspace, notice);
  readOnlyDatabaseNotice(config, notice);
  if (kind === "claude-desktop") out.write(`${printableJson(desktopConfig(builtins), 2)}\n`);
  else out.write(`${claudeCodeCommands(builtins)}\n`);
}
