import type { CallToolResult, Client } from "@modelcontextprotocol/client";
import type { ServerSpec } from "./config.js";
import { isSessionGone } from "./mcp-client.js";
import type { PoolOptions, StartFailure } from "./pool-options.js";
import { NotRunning, ProcessTransport } from "./process-transport.js";
import { ServerBreakers } from "./server-breakers.js";
import { type CallOptions, callServerTool } from "./server-call.js";
import { NotSent, SessionGone, ToolCallError } from "./server-errors.js";
import { beginCall, newHandle, processTransport, type ServerHandle } from "./server-handle.js";
import { markClosed, renewSession, restartServer, restartVerdictOf } from "./server-restart.js";
import { connectServer, listenTo, type StartContext } from "./server-start.js";
import { type ServerStatus, serverStatus } from "./server-status.js";
import type { ServerTool } from "./tool-listing.js";

export type { HostHooks, OnProgress, PoolOptions, ReadyInfo, StartFailure } from "./pool-options.js";
export { ToolCallError } from "./server-errors.js";
export type { ServerTool } from "./tool-listing.js";

/**
 * The MCP servers of one agent run: all started in parallel, tools listed (paginated), calls routed,
 * a server that died restarted on its next call with its tool list unchanged (server-restart.ts), and every process
 * tree killed on close.
 */
export class ServerPool {
  private readonly handles = new Map<string, ServerHandle>();
  private closing = false;
  private startedAt = 0;
  private readonly breakers: ServerBreakers;
  /** Bumped whenever a server's tool list changes, so the catalog knows to rebuild. */
  toolsVersion = 0;
  private listening: Promise<void> | undefined;

  constructor(private readonly options: PoolOptions) {
    this.breakers = new ServerBreakers(options.breaker);
  }

  /**
   * Start every server at once; failures are reported, not thrown. `spawned` holds stdio servers whose
   * processes the caller already started (the CLI spawns them before loading the rest of the agent).
   */
  async start(
    specs: readonly ServerSpec[],
    spawned: ReadonlyMap<string, ProcessTransport> = new Map(),
  ): Promise<StartFailure[]> {
    this.startedAt = performance.now();
    // Spawn every child first, synchronously, so they boot while the client module loads.
    const started = specs.map((spec) => {
      const handle = newHandle(spec);
      this.handles.set(spec.name, handle);
      handle.transport = spawned.get(spec.name) ?? processTransport(handle, this.options);
      if (handle.transport instanceof ProcessTransport) handle.transport.spawn();
      return handle;
    });
    const results = await Promise.all(started.map((handle) => connectServer(handle, true, this.startContext)));
    const failures = results.filter((f): f is StartFailure => f !== undefined);
    for (const failure of failures) {
      const handle = this.handles.get(failure.server);
      if (handle) handle.lastExit = failure.line;
    }
    return failures;
  }

  /** What connecting a server needs from this pool. */
  private get startContext(): StartContext {
    return {
      options: this.options,
      startedAt: this.startedAt,
      listening: () => this.listening !== undefined,
      onToolsChanged: () => this.toolsVersion++,
      onClosed: (handle, client) => markClosed(handle, client, this.closing),
    };
  }

  /** Every tool of every running server, in server order then listing order. */
  get tools(): ServerTool[] {
    return [...this.handles.values()].filter((h) => h.state !== "failed").flatMap((h) => h.tools);
  }

  /** Names of the servers that started, with their instructions if they sent any. */
  get running(): { name: string; builtin: boolean; instructions: string | undefined }[] {
    return [...this.handles.values()]
      .filter((h) => h.state !== "failed")
      .map((h) => ({ name: h.spec.name, builtin: h.spec.builtin, instructions: h.instructions }));
  }

  /** Where each server stands, for /servers. */
  status(): ServerStatus[] {
    return [...this.handles.values()].map((h) =>
      serverStatus(h, this.breakers.stateOf(h.spec.name), this.breakers.toolsNotClosed(h.spec.name)),
    );
  }

  /** Process ids of running stdio servers (tests and diagnostics). */
  pids(): Record<string, number | undefined> {
    const out: Record<string, number | undefined> = {};
    for (const [name, h] of this.handles)
      out[name] = h.transport instanceof ProcessTransport ? h.transport.pid : undefined;
    return out;
  }

  /**
   * Open the 2026-07-28 servers' change streams (subscriptions/listen) for the lists they say can change, once, and
   * wait until they are acknowledged. The loop calls this before the first tool runs (what changes lists), so the
   * start-up has no extra round trip and no signal a tool causes is missed; a 2025-era server sends its unasked.
   */
  listenForChanges(): Promise<void> {
    this.listening ??= Promise.all(
      [...this.handles.values()].map((h) => (h.client ? listenTo(h, h.client, this.startContext) : undefined)),
    ).then(() => {});
    return this.listening;
  }

  /** Wait for tool lists being re-read after change signals (before the next model request). */
  async settle(): Promise<void> {
    await Promise.all([...this.handles.values()].map((h) => h.refreshing));
  }

  /** A running server's client, restarting it if it died; throws ToolCallError in words for the model. */
  async clientOf(server: string): Promise<Client> {
    const handle = this.handles.get(server);
    if (!handle || handle.state === "failed") {
      const names = this.running.map((s) => s.name).join(", ");
      throw new ToolCallError(`server "${server}" is not running; running servers: ${names || "none"}`);
    }
    const verdict = restartVerdictOf(handle, this.closing);
    if (verdict.action === "refuse") throw new ToolCallError(verdict.reason);
    if (verdict.action === "restart") await restartServer(handle, this.startContext);
    if (!handle.client) throw new ToolCallError(`server "${server}" is not connected`);
    return handle.client;
  }

  /** Running servers that offer resources or prompts (from what they declared at start). */
  offering(kind: "resources" | "prompts"): string[] {
    return [...this.handles.values()]
      .filter((h) => h.state !== "failed" && h.client?.getServerCapabilities()?.[kind] !== undefined)
      .map((h) => h.spec.name);
  }

  /** Call a tool, unless the circuit breaker of its server, or of the tool, is open. Throws ToolCallError with words for the model. */
  async call(
    server: string,
    tool: string,
    args: Record<string, unknown>,
    options: CallOptions,
  ): Promise<CallToolResult> {
    // A server given up for the run is refused before its breaker: no pause and probe can bring it back, so the
    // breaker must not open and promise a retry.
    const given = this.handles.get(server);
    const verdict = given && restartVerdictOf(given, this.closing);
    if (verdict?.action === "refuse") throw new ToolCallError(verdict.reason);
    return this.breakers.guard(server, tool, options.signal, async () => {
      const handle = this.handles.get(server);
      const end = handle ? beginCall(handle) : () => {};
      try {
        return await this.request(server, (client) => callServerTool(handle, client, server, tool, args, options));
      } finally {
        end();
      }
    });
  }

  /**
   * Send a request through a server's client, restarting a dead server first. A stateful server that no longer knows
   * our session did not run it: it gets a new session, and the request is sent again.
   */
  async request<T>(server: string, send: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.clientOf(server);
    try {
      return await send(client);
    } catch (error) {
      const handle = this.handles.get(server);
      // A server that had just died took nothing: restarted (within its limit), it gets the request once more.
      if (handle && (error instanceof NotSent || error instanceof NotRunning)) {
        markClosed(handle, client, this.closing);
        return send(await this.clientOf(server));
      }
      if (!handle || !(error instanceof SessionGone || isSessionGone(error, handle.transport))) throw error;
      await renewSession(handle, client, this.startContext);
      return send(await this.clientOf(server));
    }
  }

  /** Close every server and kill its process group; idempotent. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      [...this.handles.values()].map(async (h) => {
        const client = h.client;
        h.client = undefined;
        if (client) await client.close().catch(() => {});
        await h.transport?.close().catch(() => {});
      }),
    );
  }

  /** Kill every process group at once, synchronously: the forced-exit path. */
  killNow(): void {
    this.closing = true;
    for (const h of this.handles.values()) if (h.transport instanceof ProcessTransport) h.transport.killNow();
  }
}
