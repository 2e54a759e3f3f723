// The built-in file, db and api servers: where their bins are, and how the agent starts them in a workspace.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { StdioServerSpec } from "./servers-file.js";
import { snapshotArgs } from "./snapshot.js";
import { unusedTlsEnv } from "./tls-env.js";
import { AUDIT_DIR } from "./workspace-trust.js";

/** The built-in db server's database, in the workspace. */
export const DATABASE_FILE = "data.db";

/** A SQLite database file and the files SQLite keeps beside it: the write-ahead log, its index, a rollback journal. */
export function databaseFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`, `${path}-journal`];
}

/** Absolute path of a workspace package's built bin, found from this module so any cwd works. */
export function builtinBin(pkg: "filesystem" | "sqlite" | "http"): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve(`@mcp-toolkit/${pkg}/package.json`)), "dist", "cli.cjs");
}

/** How the built-in servers are started, beyond their workspace. */
export interface BuiltinOptions {
  /** Start them read-only. */
  readOnly?: boolean;
  /** Paths relative to the workspace the file server hides (default: the agent's own directory and the database files). */
  hide?: readonly string[];
  /** Hosts the api server may reach (host, host:port, *.example.com); empty: any public host. */
  allowHosts?: readonly string[];
  /** Let the api server reach this machine's loopback (127.0.0.0/8, ::1, localhost) and no other private range. */
  allowLoopback?: boolean;
}

/**
 * The three built-in servers for a workspace: file, db and api. Paths go as one flag each (`--root=DIR`,
 * `--hide=PATH`, `--db=FILE`), never in a variable the server splits on the path delimiter, so a path with ':' in
 * it stays one path; the `=` form keeps a value that starts with '-' a value. `env` is the agent's environment,
 * which decides whether they may start from their startup snapshots (snapshot.ts).
 */
export function builtinServers(
  workspace: string,
  options: BuiltinOptions = {},
  env: Record<string, string | undefined> = {},
  node = process.execPath,
): StdioServerSpec[] {
  const { readOnly = false, hide = [AUDIT_DIR, ...databaseFiles(DATABASE_FILE)], allowHosts = [] } = options;
  const loopback = options.allowLoopback === true ? ["--allow-loopback"] : [];
  // Text logs whatever the shell says: the agent shows its servers' lines to a person (--verbose, failures).
  const common: Record<string, string> = {
    MCP_TRANSPORT: "stdio",
    MCP_LOG_FORMAT: "text",
    ...(readOnly ? { MCP_READ_ONLY: "1" } : {}),
  };
  const spec = (name: string, pkg: "filesystem" | "sqlite" | "http", flags: string[]): StdioServerSpec => {
    const bin = builtinBin(pkg);
    return {
      kind: "stdio",
      name,
      command: node,
      args: [bin, ...flags],
      env: common,
      builtin: true,
      snapshotArgs: snapshotArgs(bin, node, env),
      // Only the api server dials out over TLS.
      ...(pkg === "http" ? {} : { withoutEnv: unusedTlsEnv(env) }),
    };
  };
  return [
    spec("file", "filesystem", [`--root=${workspace}`, ...hide.map((path) => `--hide=${path}`)]),
    spec("db", "sqlite", [`--db=${join(workspace, DATABASE_FILE)}`]),
    spec("api", "http", [...allowHosts.map((host) => `--allow-hosts=${host}`), ...loopback]),
  ];
}
