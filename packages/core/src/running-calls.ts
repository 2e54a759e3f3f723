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
 * measured in-process, a new controller per call made every read_file 6–7 µs slower (42 → 49 µs).
 */
const IDLE_CONTROLLERS = 64;

/**
 * Most calls one controller's signal is handed to. Node 20 keeps a reference to every signal AbortSignal.any derives
 * from it (the HTTP fetcher's, per call) until it aborts, which a reused one never does: used for ever, it would hold
 * one per call, about 50 bytes each, for the life of the server. A new one every 100 calls costs nothing measurable.
 */
export const SIGNAL_USES = 100;

/**
 * How long a call runs before its client's cancel is listened for; a cancel made meanwhile is passed on then. A
 * listener on each request's signal was the last of the per-call cost (about 2 µs of a 45 µs read_file in-process),
 * which most calls, done within a millisecond, never need: a cancel reaches the work at most this much later.
 */
export const HEAR_CANCEL_AFTER_MS = 20;

/**
 * One call under way, as the shutdown and its client reach it: one object, its own methods, so that a call allocates
 * little (a closure per part cost about 1.5 µs a call in collection, measured by CPU profile).
 */
class Call implements RunningCall {
  /** Answers the call that the shutdown stopped it, its work not having answered in time. */
  #giveUp: (() => void) | undefined;
  readonly #forward = () => this.controller.abort(this.client.reason);
  /** Whether #forward listens on the client's signal (from the first look after the call began). */
  #listening = false;

  constructor(
    readonly client: AbortSignal,
    readonly controller: AbortController,
    /** How many calls, this one included, the controller's signal has been handed to. */
    readonly uses: number,
    private readonly calls: { ended(call: Call): void },
  ) {
    if (client.aborted) this.#forward();
  }

  /** Pass on the client's cancel: now if it was made, else when it is. */
  listen(): void {
    if (this.#listening || this.controller.signal.aborted) return;
    if (this.client.aborted) this.#forward();
    else {
      this.client.addEventListener("abort", this.#forward, { once: true });
      this.#listening = true;
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  answer<T extends object>(work: Promise<T>, tool: string, readOnly: boolean): Promise<T | CallToolResult> {
    return new Promise((resolve) => {
      // Whichever comes first: the work's answer (told apart if the shutdown had stopped it, not its client), or the
      // shutdown's, given for it.
      this.#giveUp = () => resolve(stoppedAnswer<T>(tool, readOnly, undefined));
      work.then((value) =>
        resolve(isShuttingDown(this.controller.signal.reason) ? stoppedAnswer(tool, readOnly, value) : value),
      );
    });
  }

  /** Stop the call for the shutdown; SHUTDOWN_ANSWER_MS later it is answered, if its work has not answered. */
  stop(): void {
    this.controller.abort(new ShuttingDown());
    setTimeout(() => this.#giveUp?.(), SHUTDOWN_ANSWER_MS).unref();
  }

  end(): void {
    if (this.#listening) this.client.removeEventListener("abort", this.#forward);
    this.calls.ended(this);
  }
}

/** A 2025-era call waiting on its user's answer (asked-calls.ts), as the shutdown reaches it. */
export interface AskingCall {
  /** The call has ended (answered, or its connection gone): the shutdown no longer waits for it. */
  end(): void;
}

/** The tool calls a server factory's servers are running, which its close() stops and waits for. */
export class RunningCalls {
  readonly #calls = new Set<Call>();
  /** Of 2025-era calls waiting on their user's answer, what withdraws each one's question (asking). */
  readonly #asking = new Set<() => void>();
  /** Controllers of calls that ended with their signal never aborted and no listener left on it, for reuse. */
  readonly #idle: AbortController[] = [];
  /** How many calls each of #idle's controllers has served, in the same order. */
  readonly #idleUses: number[] = [];
  /** The next look at the calls running, to listen for their clients' cancels (HEAR_CANCEL_AFTER_MS). */
  #look: NodeJS.Timeout | undefined;
  #stopping: Promise<void> | undefined;
  #emptied: (() => void) | undefined;
  readonly #ends = { ended: (call: Call) => this.#ended(call) };

  /** Track a call whose client's signal is `client`, from now until its `end()`. */
  begin(client: AbortSignal): RunningCall {
    const reused = this.#idle.pop();
    const call = reused
      ? new Call(client, reused, (this.#idleUses.pop() ?? 0) + 1, this.#ends)
      : new Call(client, new AbortController(), 1, this.#ends);
    this.#calls.add(call);
    if (this.#stopping) call.stop();
    else this.#look ??= setTimeout(() => this.#listenToAll(), HEAR_CANCEL_AFTER_MS).unref();
    return call;
  }

  /** Listen for the cancels of the calls still running: those begun since the last look. */
  #listenToAll(): void {
    this.#look = undefined;
    for (const call of this.#calls) call.listen();
  }

  /**
   * Track a 2025-era call waiting on its user's answer, from now until its `end()`: the server stopping runs
   * `withdraw`, which withdraws the question so that the call is answered that the server is shutting down.
   */
  asking(withdraw: () => void): AskingCall {
    const own = () => withdraw();
    this.#asking.add(own);
    if (this.#stopping) own();
    return {
      end: () => {
        if (this.#asking.delete(own)) this.#checkEmpty();
      },
    };
  }

  #ended(call: Call): void {
    this.#calls.delete(call);
    this.#keep(call.controller, call.uses);
    this.#checkEmpty();
  }

  #checkEmpty(): void {
    if (this.#calls.size === 0 && this.#asking.size === 0) this.#emptied?.();
  }

  /**
   * Keep an ended call's controller for a later call, if nothing can tell: never aborted, no listener left on it; and
   * not once it has served SIGNAL_USES calls.
   */
  #keep(controller: AbortController, uses: number): void {
    const { signal } = controller;
    if (signal.aborted || uses >= SIGNAL_USES || this.#idle.length >= IDLE_CONTROLLERS) return;
    if (getEventListeners(signal, "abort").length === 0) {
      this.#idle.push(controller);
      this.#idleUses.push(uses);
    }
  }

  /** Whether the server has begun stopping (stop). */
  get stopping(): boolean {
    return this.#stopping !== undefined;
  }

  /**
   * Stop every call running, and every call begun from now on, and withdraw the questions of those waiting on their
   * user; resolves once each has been answered (or its connection has gone).
   */
  stop(): Promise<void> {
    this.#stopping ??= new Promise<void>((resolve) => {
      this.#emptied = resolve;
      for (const call of this.#calls) call.stop();
      for (const withdraw of [...this.#asking]) withdraw();
      this.#checkEmpty();
    });
    return this.#stopping;
  }
}
