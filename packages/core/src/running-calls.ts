// A stopping server answers each tool call it is still running "the server is shutting down", so that its client can
// retry on another replica, rather than have its connection cut (behind nginx, a 502 that a POST is not resent after).
// The factory's close() stops them all: each call's signal aborts with ShuttingDown, the work stops where it can
// (a walk, a fetch, a SQLite statement), and the call is answered within SHUTDOWN_ANSWER_MS even if it does not.
import { getEventListeners } from "node:events";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { fail } from "./results.js";

/** What a call stopped by its server's shutdown is told; a tool's own answer that says it is kept as it is. */
export const SHUTTING_DOWN = "the server is shutting down";

/**
 * Longest a stopped call's own work gets to answer (SQLite's "nothing was changed", HTTP's bytes read so far) before
 * it is answered for it: well within process-lifecycle's 500 ms, so the answer still goes out.
 */
export const SHUTDOWN_ANSWER_MS = 250;

/** The reason a running call's signal aborts when its server stops: not its client cancelling. */
export class ShuttingDown extends Error {
  readonly code = "MCP_SHUTTING_DOWN";
  constructor() {
    super(SHUTTING_DOWN);
    this.name = "ShuttingDown";
  }
}

/** Whether an abort `reason` (a signal's) is the server shutting down. */
export function isShuttingDown(reason: unknown): boolean {
  return reason instanceof ShuttingDown;
}

/**
 * What a call that was stopped by the shutdown answers, given what its work answered (undefined: nothing in time).
 * Its own error that says the server is shutting down is kept; so is a change that finished (it is done, and saying
 * otherwise would have it made twice). Anything else may be partial: a read can simply be made again, a change may
 * have been made in part.
 */
export function stoppedAnswer<T extends object>(
  tool: string,
  readOnly: boolean,
  answered: T | undefined,
): T | CallToolResult {
  if (answered && "content" in answered) {
    const result = answered as CallToolResult;
    const says = result.content.some((part) => part.type === "text" && part.text.includes(SHUTTING_DOWN));
    if (result.isError === true ? says : !readOnly) return answered;
  }
  return fail(
    readOnly
      ? `${tool} failed: ${SHUTTING_DOWN} and stopped it before it finished: call again (another instance may answer)`
      : `${tool} failed: ${SHUTTING_DOWN} and stopped it: it may have been done, or done in part; check before calling again (another instance may answer)`,
  );
}

/** One call under way: the signal its work runs on (its client's, and the shutdown), and how it is answered. */
export interface RunningCall {
  readonly signal: AbortSignal;
  /** What the call answers: `work`'s own answer, unless the server began stopping before it came (stoppedAnswer). */
  answer<T extends object>(work: Promise<T>, tool: string, readOnly: boolean): Promise<T | CallToolResult>;
  /** The call has been answered (and audited): the shutdown no longer waits for it. */
  end(): void;
}

/**
 * Most idle controllers kept for the next calls. Making a call's signal costs about 2 µs, and collecting it more:
 * measured in-process, a new controller per call made every read_file 6–7 µs slower (42 → 49 µs), one kept from an
 * earlier call about 2 µs.
 */
const IDLE_CONTROLLERS = 64;

/** The tool calls a server factory's servers are running, which its close() stops and waits for. */
export class RunningCalls {
  readonly #calls = new Set<() => void>();
  /** Controllers of calls that ended with their signal never aborted and no listener left on it, for reuse. */
  readonly #idle: AbortController[] = [];
  #stopping: Promise<void> | undefined;
  #emptied: (() => void) | undefined;

  /** Track a call whose client's signal is `client`, from now until its `end()`. */
  begin(client: AbortSignal): RunningCall {
    const controller = this.#idle.pop() ?? new AbortController();
    const forward = () => controller.abort(client.reason);
    if (client.aborted) forward();
    else client.addEventListener("abort", forward, { once: true });
    let stop = () => {};
    // Settles, with nothing, SHUTDOWN_ANSWER_MS after the shutdown stopped the call: its answer is then given for it.
    const late = new Promise<undefined>((resolve) => {
      stop = () => {
        controller.abort(new ShuttingDown());
        setTimeout(resolve, SHUTDOWN_ANSWER_MS, undefined).unref();
      };
    });
    this.#calls.add(stop);
    if (this.#stopping) stop();
    return {
      signal: controller.signal,
      answer: async <T extends object>(
        work: Promise<T>,
        tool: string,
        readOnly: boolean,
      ): Promise<T | CallToolResult> => {
        // Whether the shutdown had stopped the call when its work answered: a call its client cancelled first is not.
        const ended = work.then((value) => ({ value, stopped: isShuttingDown(controller.signal.reason) }));
        const first = await Promise.race([ended, late]);
        if (first === undefined) return stoppedAnswer<T>(tool, readOnly, undefined);
        return first.stopped ? stoppedAnswer(tool, readOnly, first.value) : first.value;
      },
      end: () => {
        client.removeEventListener("abort", forward);
        this.#keep(controller);
        this.#calls.delete(stop);
        if (this.#calls.size === 0) this.#emptied?.();
      },
    };
  }

  /** Keep an ended call's controller for a later call, if nothing can tell: never aborted, no listener left on it. */
  #keep(controller: AbortController): void {
    const { signal } = controller;
    if (signal.aborted || this.#idle.length >= IDLE_CONTROLLERS) return;
    if (getEventListeners(signal, "abort").length === 0) this.#idle.push(controller);
  }

  /** Stop every call running, and every call begun from now on; resolves once each has been answered. */
  stop(): Promise<void> {
    this.#stopping ??= new Promise<void>((resolve) => {
      this.#emptied = resolve;
      for (const stop of this.#calls) stop();
      if (this.#calls.size === 0) resolve();
    });
    return this.#stopping;
  }
}
