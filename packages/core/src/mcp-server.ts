import { type CacheHint, type McpRequestContext, McpServer } from "@modelcontextprotocol/server";
import type { ToolSet } from "./tool.js";

/** Name, version and optional instructions for a new server. */
export interface ServerInfo {
  name: string;
  version: string;
  /** Guidance the client may add to the model's system prompt. */
  instructions?: string;
}

/**
 * How long a 2026-07-28 client may reuse our `tools/list` and `server/discover` results. A server's tools are fixed
 * by its configuration for the life of the process (never `list_changed`) and are the same for every caller, so the
 * hint is public; an hour bounds how long a client keeps a list after the server is restarted with other flags.
 */
export const TOOL_LIST_CACHE: CacheHint = { ttlMs: 60 * 60 * 1000, cacheScope: "public" };

/** A new McpServer with our defaults: a fixed tool list (no list_changed), announced as cacheable. */
export function createMcpServer(info: ServerInfo): McpServer {
  return new McpServer(
    { name: info.name, version: info.version },
    {
      capabilities: { tools: { listChanged: false } },
      cacheHints: { "tools/list": TOOL_LIST_CACHE, "server/discover": TOOL_LIST_CACHE },
      ...(info.instructions ? { instructions: info.instructions } : {}),
    },
  );
}

/** What a server package builds once from its options: who it is, its tools, extra registrations, what it owns. */
export interface ServerBlueprint {
  info: ServerInfo;
  tools: ToolSet;
  /** Register what is not a tool (resources, prompts) on each new server. */
  setup?(server: McpServer): void;
  /** Start background preparation once serving begins (the SQLite executor process). */
  warm?(): void;
  /** Release what the blueprint owns (a database process, a connection pool). */
  close?(): Promise<void>;
}

/**
 * A factory of per-connection (stdio) or per-request (HTTP) servers sharing one blueprint — hand it to
 * `serveStdio` or `createMcpHandler` — and `close()` to release what they share once serving ends.
 */
export interface ServerFactory {
  /** A new server over the shared tools and resources (the context says which era it will serve). */
  (context?: McpRequestContext): McpServer;
  /** Start background preparation; the bins call it once they serve (never while a startup snapshot is made). */
  warm?(): void;
  close(): Promise<void>;
}

/** The factory form of a blueprint: each call builds a cheap server over the shared tools and resources. */
export function serverFactory(blueprint: ServerBlueprint): ServerFactory {
  const build = () => {
    const server = createMcpServer(blueprint.info);
    blueprint.tools.register(server);
    blueprint.setup?.(server);
    return server;
  };
  let closing: Promise<void> | undefined;
  return Object.assign(build, {
    ...(blueprint.warm ? { warm: () => blueprint.warm?.() } : {}),
    close: () => (closing ??= blueprint.close?.() ?? Promise.resolve()),
  });
}

/**
 * One ready server from a blueprint, for a single connection (`server.connect(transport)`); closing the server
 * releases what the blueprint owns.
 */
export function singleServer(blueprint: ServerBlueprint): McpServer {
  const factory = serverFactory(blueprint);
  const server = factory();
  const previous = server.server.onclose;
  server.server.onclose = () => {
    previous?.();
    void factory.close();
  };
  return server;
}
