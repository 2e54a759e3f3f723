import {
  admit,
  BREAKER_DEFAULTS,
  type BreakerChange,
  type BreakerOptions,
  type BreakerState,
  CLOSED,
  record,
  unavailableMessage,
} from "./breaker.js";
import { ToolCallError } from "./server-errors.js";

/** The breaker settings, a clock (tests pass their own), and who hears about changes and refused calls. */
export interface ServerBreakerOptions extends Partial<BreakerOptions> {
  now?: () => number;
  /** The breaker of a server opened, opened again after a failed probe, or closed. */
  onChange?: (server: string, change: Exclude<BreakerChange, undefined>, failures: number, cooldownMs: number) => void;
  /** A call was refused without reaching the server. */
  onReject?: (server: string) => void;
}

/**
 * One breaker (breaker.ts) per server around the pool's calls. A failure is a call that threw without an answer
 * from the server: a timeout, a dead or unreachable server. A JSON-RPC error reply or an isError result is an answer.
 * A call the user cancelled is neither.
 */
export class ServerBreakers {
  private readonly states = new Map<string, BreakerState>();
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

  /** Run `call` unless the server's breaker is open; throws ToolCallError when it is. */
  async guard<T>(server: string, signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
    const admitted = admit(this.states.get(server) ?? CLOSED, this.now());
    this.states.set(server, admitted.state);
    if (admitted.verdict === "reject") {
      this.hooks.onReject?.(server);
      throw new ToolCallError(unavailableMessage(server, admitted.state, this.now()));
    }
    let outcome: "success" | "failure" = "success";
    try {
      return await call();
    } catch (error) {
      const answered = error instanceof ToolCallError && error.answered;
      if (!answered && !signal?.aborted) outcome = "failure";
      throw error;
    } finally {
      const recorded = record(this.states.get(server) ?? CLOSED, outcome, this.now(), this.options);
      this.states.set(server, recorded.state);
      if (recorded.change) {
        this.hooks.onChange?.(server, recorded.change, recorded.state.failures, this.options.cooldownMs);
      }
    }
  }
}
