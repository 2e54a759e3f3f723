import {
  admit,
  BREAKER_DEFAULTS,
  type BreakerChange,
  type BreakerOptions,
  type BreakerState,
  type CallEnd,
  CLOSED,
  outcomes,
  record,
  toolUnavailableMessage,
  unavailableMessage,
} from "./breaker.js";
import { ToolCallError, ToolTimeout } from "./server-errors.js";

/** The breaker settings, a clock (tests pass their own), and who hears about changes and refused calls. */
export interface ServerBreakerOptions extends Partial<BreakerOptions> {
  now?: () => number;
  /** The breaker of a server (or, with `tool`, of one of its tools) opened, opened again after a failed probe, or closed. */
  onChange?: (
    server: string,
    change: Exclude<BreakerChange, undefined>,
    failures: number,
    cooldownMs: number,
    tool?: string,
  ) => void;
  /** A call was refused without reaching the server: by the server's breaker, or with `tool` by the tool's. */
  onReject?: (server: string, tool?: string) => void;
}

/**
 * Breakers (breaker.ts) around the pool's calls: one per server, and one per tool for timeouts. A failure is a call
 * that threw without an answer from the server: a timeout counts against the tool (and the server too once two of its
 * tools time out with no answer between: see serverHung), a dead or unreachable server against the server. A
 * JSON-RPC error reply or an isError result is an answer. A call the user cancelled is neither.
 */
export class ServerBreakers {
  private readonly states = new Map<string, BreakerState>();
  private readonly toolStates = new Map<string, Map<string, BreakerState>>();
  /** The tools of each server that timed out since it last answered: two or more, and the server itself is hung. */
  private readonly timedOut = new Map<string, Set<string>>();
  private readonly options: BreakerOptions;
  private readonly now: () => number;

  constructor(private readonly hooks: ServerBreakerOptions = {}) {
    this.options = {
      threshold: hooks.threshold ?? BREAKER_DEFAULTS.threshold,
      cooldownMs: hooks.cooldownMs ?? BREAKER_DEFAULTS.cooldownMs,
    };
    this.now = hooks.now ?? (() => performance.now());
  }

  /** Where a server's breaker stands now (closed for one never called). */
  stateOf(server: string): BreakerState {
    return this.states.get(server) ?? CLOSED;
  }

  /** The tools of a server whose breaker is not closed, with its state. */
  toolsNotClosed(server: string): [tool: string, state: BreakerState][] {
    return [...(this.toolStates.get(server) ?? [])].filter(([, state]) => state.phase !== "closed");
  }

  /** Run `call` unless the server's or the tool's breaker is open; throws ToolCallError when one is. */
  async guard<T>(server: string, tool: string, signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
    const now = this.now();
    const forServer = admit(this.stateOf(server), now);
    const forTool = admit(this.toolState(server, tool), now);
    // Neither state moves unless both let the call through: a probe admitted but never sent would stay in flight.
    if (forServer.verdict === "reject" || forTool.verdict === "reject") {
      const byServer = forServer.verdict === "reject";
      this.hooks.onReject?.(server, byServer ? undefined : tool);
      throw new ToolCallError(
        byServer
          ? unavailableMessage(server, forServer.state, now)
          : toolUnavailableMessage(server, tool, forTool.state, now),
      );
    }
    this.states.set(server, forServer.state);
    this.setToolState(server, tool, forTool.state);
    let end: CallEnd = "answered";
    try {
      return await call();
    } catch (error) {
      if (signal?.aborted) end = "cancelled";
      else if (error instanceof ToolTimeout) end = "timeout";
      else if (!(error instanceof ToolCallError && error.answered)) end = "down";
      throw error;
    } finally {
      const outcome = outcomes(end);
      const at = this.now();
      const s = record(
        this.stateOf(server),
        this.serverHung(server, tool, end) ? "failure" : outcome.server,
        at,
        this.options,
      );
      this.states.set(server, s.state);
      if (s.change) this.hooks.onChange?.(server, s.change, s.state.failures, this.options.cooldownMs);
      const t = record(this.toolState(server, tool), outcome.tool, at, this.options);
      this.setToolState(server, tool, t.state);
      if (t.change) this.hooks.onChange?.(server, t.change, t.state.failures, this.options.cooldownMs, tool);
    }
  }

  /**
   * Whether a call's timeout shows the server hung, not one tool slow: another of its tools timed out too, with no
   * answer from it in between. Then each timeout counts against the server as well, so a server where every call
   * hangs is given up after `threshold` of them, not `threshold` per tool.
   */
  private serverHung(server: string, tool: string, end: CallEnd): boolean {
    if (end === "answered") this.timedOut.delete(server);
    if (end !== "timeout") return false;
    const tools = this.timedOut.get(server) ?? new Set<string>();
    tools.add(tool);
    this.timedOut.set(server, tools);
    return tools.size >= 2;
  }

  private toolState(server: string, tool: string): BreakerState {
    return this.toolStates.get(server)?.get(tool) ?? CLOSED;
  }

  private setToolState(server: string, tool: string, state: BreakerState): void {
    const tools = this.toolStates.get(server) ?? new Map<string, BreakerState>();
    tools.set(tool, state);
    this.toolStates.set(server, tools);
  }
}
