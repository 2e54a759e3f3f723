import { type CacheHint, McpServer } from "@modelcontextprotocol/server";
import type { Audience } from "./audience.js";
import { initializeOnce } from "./initialize-once.js";
import type { PromptDefinition } from "./prompt.js";
import type { ResourceSet } from "./resource.js";
import type { ToolSet } from "./tool.js";
import { QUESTION_WAIT_MS } from "./unanswered-question.js";

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
/**
 * Lists that follow roles which can change under a client — an OAuth step-up token, a tokens or policy file re-read
 * on SIGHUP — are not to be reused: a client keeping its old list would not show the model the tools its new token
 * allows (and the SDK client keys its cache by server, not by token).
 */
const ROLES_TOOL_LIST_CACHE: CacheHint = { ttlMs: 0, cacheScope: "private" };

/** How a new server is set up: per caller (roles narrow its lists), and which lists can change. */
export interface McpServerOptions {
  /** Lists depend on the caller's roles: mark them private to caches. */
  perCaller?: boolean;
  /** With `perCaller`: the caller's roles can change while its client runs (named tokens, OAuth), so no reuse. */
  rolesMayChange?: boolean;
  /** Declare prompts (which never change). */
  prompts?: boolean;
  /** Declare resources, and whether their list changes while the server runs (SQLite tables after DDL). */
  resources?: { listChanged: boolean };
}

/** A new McpServer with our defaults: a fixed tool list (no list_changed), announced as cacheable. */
export function createMcpServer(info: ServerInfo, options: McpServerOptions = {}): McpServer {
  const cache = !options.perCaller
    ? TOOL_LIST_CACHE
    : options.rolesMayChange
      ? ROLES_TOOL_LIST_CACHE
      : CALLER_TOOL_LIST_CACHE;
  const server = new McpServer(
    { name: info.name, version: info.version },
    {
      capabilities: {
        tools: { listChanged: false },
        // Declared here, or the SDK declares them with list_changed on the first registration.
        ...(options.prompts ? { prompts: { listChanged: false } } : {}),
        ...(options.resources ? { resources: { listChanged: options.resources.listChanged } } : {}),
      },
      cacheHints: { "tools/list": cache, "server/discover": cache },
      // A question to the user of a 2025-era connection holds the call's request: not for the SDK's 10 minutes.
      inputRequired: { roundTimeoutMs: QUESTION_WAIT_MS },
      ...(info.instructions ? { instructions: info.instructions } : {}),
    },
  );
  // First, so what watches requests later (the audit trail) sees a second initialize and its refusal.
  initializeOnce(server);
  return server;
}

/** What a server package builds once from its options: who it is, what it offers, what it owns. */
export interface ServerBlueprint {
  info: ServerInfo;
  tools: ToolSet;
  // biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of prompts, each checked at its definition.
  prompts?: readonly PromptDefinition<any>[];
  resources?: ResourceSet;
  /** The URI of the live stats resource. Default `<info.name>://stats`. */
  statsUri?: string;
  /**
   * Subscribe to changes of the resource list (SQLite: a table created or dropped); clients are told. `audience`
   * says whether any client could hear of one now (a connection, a 2025 session or a `subscriptions/listen` stream is
   * open) and when that turns, so a blueprint that must look for changes made elsewhere stays idle while nobody would
   * be told.
   */
  onResourcesChanged?(listener: () => void, audience: Audience): void;
  /**
   * Register anything else on each new server. `connection` is true for a server that lives as long as its
   * connection (stdio, in process): one client, which a server may ask things of (its roots).
   */
  setup?(server: McpServer, serving: { connection: boolean }): void;
  /** Removes the server's own secrets from text (the HTTP server's credentials), for the audit trail. */
  redact?(text: string): string;
  /**
   * How to send less when a request is over the size limits (HTTP's 413, stdio's longest message), in this server's
   * own terms; the limit's message says it after "send less per request". Default: nothing more.
   */
  largeRequestAdvice?: string;
  /**
   * Why the server cannot serve any call now, for `GET /healthz` to answer 503 (an orchestrator then restarts it);
   * undefined when it can. Checked on each health request: keep it cheap (a stat, not a query).
   */
  unhealthy?(): string | undefined;
  /** Start background preparation once serving begins (the SQLite executor process). */
  warm?(): void;
  /** Release what the blueprint owns (a database process, a connection pool). */
  close?(): Promise<void>;
}
