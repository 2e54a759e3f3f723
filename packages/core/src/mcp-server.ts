import { type CacheHint, type McpRequestContext, McpServer } from "@modelcontextprotocol/server";
import type { AuditLog } from "./audit-log.js";
import type { Offered } from "./auth-roles.js";
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
 * by its configuration for the life of the process (never `list_changed`); an hour bounds how long a client keeps a
 * list after the server is restarted with other flags. The same for everyone, the hint is public; over HTTP, where
 * roles make the list a caller's own, it is private (a shared cache must not hand one caller's list to another).
 */
export const TOOL_LIST_CACHE: CacheHint = { ttlMs: 60 * 60 * 1000, cacheScope: "public" };
const CALLER_TOOL_LIST_CACHE: CacheHint = { ...TOOL_LIST_CACHE, cacheScope: "private" };

/** A new McpServer with our defaults: a fixed tool list (no list_changed), announced as cacheable. */
export function createMcpServer(info: ServerInfo, options: { perCaller?: boolean } = {}): McpServer {
  const cache = options.perCaller ? CALLER_TOOL_LIST_CACHE : TOOL_LIST_CACHE;
  return new McpServer(
    { name: info.name, version: info.version },
    {
      capabilities: { tools: { listChanged: false } },
      cacheHints: { "tools/list": cache, "server/discover": cache },
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
  /** Removes the server's own secrets from text (the HTTP server's credentials), for the audit trail. */
  redact?(text: string): string;
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
  /**
   * A new server over the shared tools and resources. The context says which era it will serve and, from an
   * authenticated HTTP request, who is calling: the server then offers only what the caller's roles allow
   * (`authInfo.extra.allowed`). Serving adds where calls are audited.
   */
  (context?: McpRequestContext & ServingContext): McpServer;
  /** The tools every server from this factory offers, before roles narrow them. */
  readonly offered: readonly Offered[];
  /** Start background preparation; the bins call it once they serve (never while a startup snapshot is made). */
  warm?(): void;
  close(): Promise<void>;
}

/** What the serving layer hands each new server besides the SDK's context. */
export interface ServingContext {
  /** Where each tool call writes its audit line. */
  audit?: AuditLog;
}

/** The same factory, with each server it builds writing its tool calls to `audit`. */
export function auditedFactory(factory: ServerFactory, audit: AuditLog): ServerFactory {
  return Object.assign(
    (context?: McpRequestContext & ServingContext) =>
      factory({ ...context, audit } as McpRequestContext & ServingContext),
    factory,
  );
}

/** The factory form of a blueprint: each call builds a cheap server over the shared tools and resources. */
export function serverFactory(blueprint: ServerBlueprint): ServerFactory {
  const build = (context?: McpRequestContext & ServingContext) => {
    const server = createMcpServer(blueprint.info, { perCaller: context?.authInfo !== undefined });
    const allowed = context?.authInfo?.extra?.allowed as ReadonlySet<string> | undefined;
    blueprint.tools.register(server, {
      ...(allowed ? { allowed } : {}),
      ...(context?.audit ? { audit: context.audit } : {}),
      ...(blueprint.redact ? { redact: (text: string) => blueprint.redact?.(text) ?? text } : {}),
    });
    blueprint.setup?.(server);
    return server;
  };
  const offered: Offered[] = blueprint.tools.tools.map((tool) => ({
    name: tool.name,
    kind: "tool",
    readOnly: tool.annotations.readOnlyHint,
  }));
  let closing: Promise<void> | undefined;
  return Object.assign(build, {
    offered,
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
