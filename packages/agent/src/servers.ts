import type {
  CallToolResult,
  Client,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestFormParams,
  ElicitResult,
  LoggingLevel,
  Transport,
} from "@modelcontextprotocol/client";
import type { ServerSpec } from "./config.js";
import {
  type ClientHooks,
  createClient,
  type Era,
  eraOf,
  isConnectionLost,
  isTimeout,
  listenForChanges,
  type Negotiation,
  type ServerTool,
  serverTools,
} from "./mcp-client.js";
import { ProcessTransport } from "./process-transport.js";
import { type ServerBreakerOptions, ServerBreakers } from "./server-breakers.js";
import { message, startFailureLine, ToolCallError } from "./server-errors.js";
import { snapshotRefused } from "./snapshot.js";
import { traceMeta } from "./telemetry.js";
import { httpTransport, stdioTransport } from "./transports.js";

export type { ServerTool } from "./mcp-client.js";
export { ToolCallError } from "./server-errors.js";

const MAX_RESTARTS = 3;

/** A server that could not start, in words for one line. */
export interface StartFailure {
  server: string;
  line: string;
}

/** How the pool starts servers. */
export interface PoolOptions {
  startupTimeoutMs: number;
  env: Record<string, string | undefined>;
  /** Server stderr lines (shown with --verbose). */
  onStderr?: ((server: string, line: string) => void) | undefined;
  /** A restart happened or failed. */
  onNotice?: ((message: string) => void) | undefined;
  /** A server is up: its tool count, ms since it was spawned, whether from a snapshot and its era (--verbose). */
  onReady?: ((server: string, ready: ReadyInfo) => void) | undefined;
  /** What the agent offers servers besides calls (elicitation, sampling, roots, logging); none in bare tests. */
  host?: HostHooks | undefined;
  /** The circuit breaker per server: its settings, clock and listeners (server-breakers.ts). */
  breaker?: ServerBreakerOptions | undefined;
}

/** The agent's side of server-to-client requests and notifications, told which server is asking. */
export interface HostHooks {
  elicit(server: string, params: ElicitRequestFormParams): Promise<ElicitResult>;
  sample?: ((server: string, params: CreateMessageRequestParams) => Promise<CreateMessageResult>) | undefined;
  roots: { uri: string; name: string }[];
  onLog(server: string, level: LoggingLevel, data: unknown, logger: string | undefined): void;
}

/** How a call reports progress: the server's numbers and message. */
export type OnProgress = (progress: {
  progress: number;
  total?: number | undefined;
  message?: string | undefined;
}) => void;

/** What --verbose says about a server that started. */
export interface ReadyInfo {
  tools: number;
  ms: number;
  fromSnapshot: boolean;
  era: Era;
  protocolVersion: string | undefined;
}

interface Handle {
  spec: ServerSpec;
  client: Client | undefined;
  transport: ProcessTransport | Transport | undefined;
  state: "starting" | "up" | "dead" | "failed";
  tools: ServerTool[];
  instructions: string | undefined;
  restarts: number;
  restarting: Promise<void> | undefined;
  lastExit: string | undefined;
  /** A built-in server starts from its startup snapshot until a start from it fails. */
  fromSnapshot: boolean;
  /** A tools/list refresh under way after a change signal. */
  refreshing: Promise<void> | undefined;
  /** Our own servers are pinned to 2026-07-28; others negotiate, or, if the probe ended them, get 2025 only. */
  negotiation: Negotiation;
}

/** Is this server started from its startup snapshot (a built-in with one, not yet fallen back to its bin)? */
function startsFromSnapshot(handle: Handle): boolean {
  return handle.fromSnapshot && handle.spec.kind === "stdio" && handle.spec.snapshotArgs !== undefined;
}

/**
 * The MCP servers of one agent run: all started in parallel, tools listed (paginated), calls routed,
 * a server that died restarted on its next call with its tool list unchanged, and every process
 * tree killed on close.
 */
export class ServerPool {
  private readonly handles = new Map<string, Handle>();
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
      const handle: Handle = {
        spec,
        client: undefined,
        transport: undefined,
        state: "starting",
        tools: [],
        instructions: undefined,
        restarts: 0,
        restarting: undefined,
        lastExit: undefined,
        fromSnapshot: true,
        refreshing: undefined,
        negotiation: spec.builtin ? "pinned" : "auto",
      };
      this.handles.set(spec.name, handle);
      handle.transport = spawned.get(spec.name) ?? this.makeTransport(handle);
      if (handle.transport instanceof ProcessTransport) handle.transport.spawn();
      return handle;
    });
    const results = await Promise.all(started.map((handle) => this.connect(handle, true)));
    return results.filter((f): f is StartFailure => f !== undefined);
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

  /** Process ids of running stdio servers (tests and diagnostics). */
  pids(): Record<string, number | undefined> {
    const out: Record<string, number | undefined> = {};
    for (const [name, h] of this.handles)
      out[name] = h.transport instanceof ProcessTransport ? h.transport.pid : undefined;
    return out;
  }

  private makeTransport(handle: Handle): ProcessTransport | undefined {
    const { spec } = handle;
    if (spec.kind !== "stdio") return undefined;
    return stdioTransport(
      spec,
      this.options.env,
      (line) => this.options.onStderr?.(spec.name, line),
      handle.fromSnapshot,
    );
  }

  /** Connect a handle's transport and (on first start) list its tools; returns a failure or undefined. */
  private async connect(handle: Handle, listTools: boolean): Promise<StartFailure | undefined> {
    const { spec } = handle;
    let timer: NodeJS.Timeout | undefined;
    try {
      const transport =
        handle.transport ?? (spec.kind === "http" ? await httpTransport(spec, this.options.env) : undefined);
      if (!transport) throw new Error("no transport");
      handle.transport = transport;
      // Our own servers speak 2026-07-28: pinned, with no probe. Anything else negotiates, falling back to 2025.
      const client = createClient(handle.negotiation, this.hooksFor(handle));
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${this.options.startupTimeoutMs} ms`)),
          this.options.startupTimeoutMs,
        );
      });
      const work = async () => {
        // The overall start-up timer below decides; these only stop requests from hanging forever.
        const requestTimeout = this.options.startupTimeoutMs + 1000;
        await client.connect(transport, { timeout: requestTimeout });
        if (!listTools || !client.getServerCapabilities()?.tools) return;
        const tools = await serverTools(client, spec.name, requestTimeout, this.options.onNotice);
        handle.tools = tools;
        handle.instructions = client.getInstructions();
      };
      const working = work();
      // If the timeout wins, the handshake still settles later; it must not become an unhandled rejection.
      working.catch(() => {});
      await Promise.race([working, timeout]);
      handle.client = client;
      handle.state = "up";
      if (listTools) {
        // Measured from the spawn, which may have happened before the pool existed (launch.ts).
        const since = transport instanceof ProcessTransport ? (transport.spawnedAt ?? this.startedAt) : this.startedAt;
        this.options.onReady?.(spec.name, {
          tools: handle.tools.length,
          ms: performance.now() - since,
          fromSnapshot: startsFromSnapshot(handle),
          era: eraOf(client),
          protocolVersion: client.getNegotiatedProtocolVersion(),
        });
      }
      client.onclose = () => this.onClosed(handle, client);
      // A restarted server's change stream is reopened at once; at start-up it waits for listenForChanges().
      if (this.listening) await listenForChanges(client);
      return undefined;
    } catch (error) {
      handle.state = "failed";
      const transport = handle.transport;
      const proc = transport instanceof ProcessTransport ? transport : undefined;
      // Read how it ended before closing it ourselves.
      const exit = proc?.exitDescription;
      await transport?.close().catch(() => {});
      if (startsFromSnapshot(handle) && snapshotRefused(proc?.exit)) {
        // Node could not use the blob (say a damaged one): start the plain bin instead, once.
        this.options.onNotice?.(
          `server "${spec.name}" could not start from its startup snapshot (${exit}); starting its bin instead (pnpm build remakes the snapshot)`,
        );
        handle.fromSnapshot = false;
        handle.state = "starting";
        handle.transport = this.makeTransport(handle); // connect() starts it
        return this.connect(handle, listTools);
      }
      if (proc?.exit && handle.negotiation === "auto") {
        // Some 2025-era servers exit on any request before initialize, the probe included: one more process,
        // greeted the 2025 way only.
        handle.negotiation = "legacy";
        handle.state = "starting";
        handle.transport = this.makeTransport(handle);
        const retry = await this.connect(handle, listTools);
        if (!retry) return undefined;
        handle.negotiation = "auto";
        return { server: spec.name, line: startFailureLine(spec, error, exit, proc.stderrTail) };
      }
      return { server: spec.name, line: startFailureLine(spec, error, exit, proc?.stderrTail ?? []) };
    } finally {
      clearTimeout(timer);
    }
  }

  private hooksFor(handle: Handle): ClientHooks | undefined {
    const host = this.options.host;
    const server = handle.spec.name;
    const sample = host?.sample;
    return {
      elicit: (params) => host?.elicit(server, params) ?? Promise.resolve({ action: "decline" }),
      sample: sample && ((params) => sample(server, params)),
      roots: host?.roots ?? [],
      onLog: (level, data, logger) => host?.onLog(server, level, data, logger),
      onListChanged: (list) => {
        if (list === "tools") this.refreshTools(handle);
        else this.options.onNotice?.(`${server}: resources changed`);
      },
    };
  }

  /** Re-list a server's tools after its change signal; the transcript says what changed. */
  private refreshTools(handle: Handle): void {
    const client = handle.client;
    if (!client) return;
    const previous = handle.refreshing ?? Promise.resolve();
    handle.refreshing = previous
      .then(async () => {
        const tools = await serverTools(
          client,
          handle.spec.name,
          this.options.startupTimeoutMs,
          this.options.onNotice,
          true,
        );
        const before = new Set(handle.tools.map((t) => t.name));
        const after = new Set(tools.map((t) => t.name));
        const added = [...after].filter((n) => !before.has(n)).length;
        const removed = [...before].filter((n) => !after.has(n)).length;
        handle.tools = tools;
        this.toolsVersion++;
        this.options.onNotice?.(`${handle.spec.name}: tools changed (+${added}, \u2212${removed})`);
      })
      .catch((error) =>
        this.options.onNotice?.(`${handle.spec.name}: its new tool list could not be read: ${message(error)}`),
      )
      .finally(() => {
        if (handle.refreshing === refreshing) handle.refreshing = undefined;
      });
    const refreshing = handle.refreshing;
  }

  /**
   * Open the 2026-07-28 servers' change streams (subscriptions/listen) for the lists they say can change, once, and
   * wait until they are acknowledged. The loop calls this before the first tool runs (what changes lists), so the
   * start-up has no extra round trip and no signal a tool causes is missed; a 2025-era server sends its unasked.
   */
  listenForChanges(): Promise<void> {
    this.listening ??= Promise.all(
      [...this.handles.values()].map((h) => (h.client ? listenForChanges(h.client) : undefined)),
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
    if (handle.state === "dead" || handle.restarting) {
      if (this.closing) throw new ToolCallError(`server "${server}" is shutting down`);
      if (handle.restarts >= MAX_RESTARTS && !handle.restarting) {
        throw new ToolCallError(
          `server "${server}" stopped (${handle.lastExit ?? "unknown"}) and was restarted ${MAX_RESTARTS} times already; its tools are unavailable for this run`,
        );
      }
      await this.restart(handle);
    }
    if (!handle.client) throw new ToolCallError(`server "${server}" is not connected`);
    return handle.client;
  }

  /** Running servers that offer resources or prompts (from what they declared at start). */
  offering(kind: "resources" | "prompts"): string[] {
    return [...this.handles.values()]
      .filter((h) => h.state !== "failed" && h.client?.getServerCapabilities()?.[kind] !== undefined)
      .map((h) => h.spec.name);
  }

  private onClosed(handle: Handle, client: Client): void {
    if (handle.client !== client || this.closing) return;
    const transport = handle.transport;
    handle.lastExit = transport instanceof ProcessTransport ? transport.exitDescription : "connection closed";
    handle.state = "dead";
    handle.client = undefined;
  }

  private async restart(handle: Handle): Promise<void> {
    handle.restarting ??= (async () => {
      handle.restarts++;
      await handle.transport?.close().catch(() => {});
      handle.transport = this.makeTransport(handle);
      const failure = await this.connect(handle, false);
      if (failure) {
        handle.state = "dead";
        throw new ToolCallError(`${failure.line}`);
      }
      this.options.onNotice?.(`server "${handle.spec.name}" restarted (it had ${handle.lastExit ?? "stopped"})`);
    })().finally(() => {
      handle.restarting = undefined;
    });
    return handle.restarting;
  }

  /** Call a tool, unless the server's circuit breaker is open. Throws ToolCallError with words for the model. */
  async call(
    server: string,
    tool: string,
    args: Record<string, unknown>,
    options: { timeoutMs: number; signal?: AbortSignal | undefined; onProgress?: OnProgress | undefined },
  ): Promise<CallToolResult> {
    return this.breakers.guard(server, options.signal, () => this.callOnce(server, tool, args, options));
  }

  /** Call a tool; restarts a dead server first. */
  private async callOnce(
    server: string,
    tool: string,
    args: Record<string, unknown>,
    options: { timeoutMs: number; signal?: AbortSignal | undefined; onProgress?: OnProgress | undefined },
  ): Promise<CallToolResult> {
    const handle = this.handles.get(server);
    const client = await this.clientOf(server);
    try {
      // The trace context of the agent's tool-call span, so the server's span joins the trace (telemetry.ts).
      const meta = traceMeta();
      return (await client.callTool(
        { name: tool, arguments: args, ...(Object.keys(meta).length > 0 ? { _meta: meta } : {}) },
        {
          timeout: options.timeoutMs,
          signal: options.signal,
          ...(options.onProgress ? { onprogress: options.onProgress } : {}),
        },
      )) as CallToolResult;
    } catch (error) {
      const text = message(error);
      // The SDK reports a cancelled request as it reports a timeout: the caller's signal tells them apart.
      if (options.signal?.aborted) throw error;
      if (isTimeout(error)) {
        throw new ToolCallError(
          `timed out after ${options.timeoutMs} ms (--tool-timeout); the server was told to cancel — try a smaller request`,
        );
      }
      if (handle?.client !== client || isConnectionLost(error)) {
        if (handle?.client === client) {
          handle.client = undefined;
          handle.state = "dead";
        }
        const transport = handle?.transport;
        const exit = transport instanceof ProcessTransport ? transport.exitDescription : undefined;
        throw new ToolCallError(
          `server "${server}" stopped during the call (${exit ?? "connection closed"}); it will be restarted on the next call, so retrying may work`,
        );
      }
      throw new ToolCallError(`server "${server}" refused the call: ${text}`, true);
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
