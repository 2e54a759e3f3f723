import { existsSync } from "node:fs";
import { join } from "node:path";
import { Client, getDefaultEnvironment, StdioClientTransport } from "../deps.js";
import { Unavailable } from "./figure.js";

/** How to start one stdio MCP server: `node <args…>` with extra environment. */
export interface ServerCommand {
  label: string;
  /** First argument is the script; its absence makes a figure "n/a". */
  args: string[];
  env?: Record<string, string>;
  /** Flags for node itself, before the script (e.g. --cpu-prof, which NODE_OPTIONS may not carry). */
  nodeArgs?: string[];
  /** Working directory of the server (default: the bench's), where e.g. heap snapshots land. */
  cwd?: string;
}

/** A connected SDK client and the child process behind it. */
export interface Connected {
  client: Client;
  /** The server's own process: the client spawns node directly, so this is the server, not a wrapper. */
  pid: number;
  /** Last lines the server wrote to stderr, for error messages. */
  stderrTail(): string;
  close(): Promise<void>;
}

/** Our filesystem server, rooted at `root`. */
export function ourFilesystem(repo: string, root: string): ServerCommand {
  return {
    label: "our filesystem server",
    args: [join(repo, "packages/filesystem/dist/cli.cjs")],
    env: { MCP_WORKSPACE: root },
  };
}

/**
 * Our filesystem server started from its startup snapshot, as the agent starts its built-in servers:
 * `node --snapshot-blob <dist/snapshot.blob> --` (no script; the blob stands where the script would, so a
 * missing one makes the figure "n/a").
 */
export function ourFilesystemFromSnapshot(repo: string, root: string): ServerCommand {
  return {
    label: "our filesystem server, from its snapshot",
    nodeArgs: ["--snapshot-blob"],
    args: [join(repo, "packages/filesystem/dist/snapshot.blob"), "--"],
    env: { MCP_WORKSPACE: root },
  };
}

/** The official @modelcontextprotocol/server-filesystem, allowed to see `root`. */
export function officialFilesystem(repo: string, root: string): ServerCommand {
  return {
    label: "official filesystem server",
    args: [join(repo, "node_modules/@modelcontextprotocol/server-filesystem/dist/index.js"), root],
  };
}

/** Our SQLite server on the database file `db`. */
export function ourSqlite(repo: string, db: string): ServerCommand {
  return { label: "our sqlite server", args: [join(repo, "packages/sqlite/dist/cli.cjs")], env: { MCP_SQLITE_DB: db } };
}

/** Our HTTP server, allowed to reach loopback (the bench's local upstream lives on 127.0.0.1). */
export function ourHttp(repo: string): ServerCommand {
  return {
    label: "our http server",
    args: [join(repo, "packages/http/dist/cli.cjs")],
    env: { MCP_HTTP_ALLOW_PRIVATE: "1" },
  };
}

/** Throw Unavailable when the server's script has not been built. */
export function requireBuilt(command: ServerCommand): void {
  const script = command.args[0] ?? "";
  if (!existsSync(script)) throw new Unavailable(`${script.replace(/.*\/(packages|node_modules)\//, "$1/")} not built`);
}

/** Spawn `command` and complete the MCP handshake with a real SDK client over stdio. */
export async function connect(command: ServerCommand): Promise<Connected> {
  requireBuilt(command);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...(command.nodeArgs ?? []), ...command.args],
    env: { ...getDefaultEnvironment(), ...command.env },
    ...(command.cwd ? { cwd: command.cwd } : {}),
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-2000);
  });
  const client = new Client({ name: "mcp-toolkit-bench", version: "0.1.0" });
  const stderrTail = () => stderr.trim().split("\n").slice(-3).join(" | ");
  try {
    await client.connect(transport);
  } catch (error) {
    await client.close().catch(() => {});
    throw new Error(
      `${command.label} did not start: ${(error as Error).message}; stderr: ${stderrTail() || "(empty)"}`,
    );
  }
  return {
    client,
    pid: transport.pid ?? 0,
    stderrTail,
    close: async () => {
      const pid = transport.pid;
      await client.close().catch(() => {});
      await waitForExit(pid);
    },
  };
}

/** Connections keyed by command, started on first use and reused, so figures don't pay for the same spawn twice. */
export function serverPool(): { get(command: ServerCommand): Promise<Connected>; closeAll(): Promise<void> } {
  const pool = new Map<string, Promise<Connected>>();
  return {
    get(command) {
      const key = JSON.stringify([command.args, command.env]);
      let conn = pool.get(key);
      if (!conn) {
        conn = connect(command);
        pool.set(key, conn);
        // A failed start is not cached: the next figure gets its own error.
        conn.catch(() => pool.delete(key));
      }
      return conn;
    },
    async closeAll() {
      const all = [...pool.values()];
      pool.clear();
      await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => {})));
    },
  };
}

/** Anything closable, keyed, started on first use and reused: what figures share besides stdio connections. */
export function sharedPool(): {
  get<T extends { close(): Promise<void> }>(key: string, start: () => Promise<T>): Promise<T>;
  closeAll(): Promise<void>;
} {
  const pool = new Map<string, Promise<{ close(): Promise<void> }>>();
  return {
    get<T extends { close(): Promise<void> }>(key: string, start: () => Promise<T>) {
      let item = pool.get(key);
      if (!item) {
        item = start();
        pool.set(key, item);
        // A failed start is not cached: the next figure gets its own error.
        item.catch(() => pool.delete(key));
      }
      return item as Promise<T>;
    },
    async closeAll() {
      const all = [...pool.values()];
      pool.clear();
      await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => {})));
    },
  };
}

/** Names of the tools `client` lists, or Unavailable when the server has no tools capability yet. */
export async function listToolNames(conn: Connected, label: string): Promise<string[]> {
  return (await listTools(conn, label)).map((tool) => tool.name);
}

/** tools/list, all pages; Unavailable when the server answers "Method not found" (no tools registered yet). */
export async function listTools(conn: Connected, label: string) {
  const tools = [];
  let cursor: string | undefined;
  do {
    let page: Awaited<ReturnType<Client["listTools"]>>;
    try {
      page = await conn.client.listTools(cursor ? { cursor } : undefined);
    } catch (error) {
      if ((error as { code?: number }).code === -32601) throw new Unavailable(`${label} lists no tools yet`);
      throw error;
    }
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}

/** Unavailable unless `label`'s tool list includes `tool`. */
export async function requireTool(conn: Connected, label: string, tool: string): Promise<void> {
  const names = await listToolNames(conn, label);
  if (!names.includes(tool)) throw new Unavailable(`${label} has no ${tool} tool yet`);
}

/** Text of a tool result, throwing with the server's message when it is an error result. */
export function resultText(result: Awaited<ReturnType<Client["callTool"]>>, what: string): string {
  const content = (result.content ?? []) as { type: string; text?: string }[];
  const text = content
    .filter((c) => c.type === "text")
    .map((c) => c.text ?? "")
    .join("\n");
  if (result.isError) throw new Error(`${what} returned an error: ${text.slice(0, 300)}`);
  return text;
}

/** Wait (bounded) until a child process has gone, so it does not eat CPU in the next timed run. */
export async function waitForExit(pid: number | null | undefined, timeoutMs = 3000): Promise<void> {
  if (!pid) return;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
