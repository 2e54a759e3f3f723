import type { ChildProcess } from "node:child_process";
import { MAX_TIMER_MS } from "@mcp-toolkit/core";
import type { EngineRequest } from "./engine-request.js";
import type { SqliteExecutor, StatementObserver } from "./executor.js";
import type { ChildConfig, ChildMessage } from "./executor-child.js";
import { deathError } from "./executor-exit.js";
import { answer, type Job, settle } from "./executor-jobs.js";
import { ExecutorLine } from "./executor-line.js";
import { type ChildExecutorOptions, type ExecutorLimits, executorLimits } from "./executor-options.js";
import { type ExecutorScript, executorScript, startExecutorProcess } from "./executor-process.js";
import { SHUTTING_DOWN, SHUTTING_DOWN_UNCHANGED } from "./limit-messages.js";
import { ToolError } from "./tool-error.js";
import { requestParamsProblem } from "./values.js";

/**
 * Runs requests one at a time in a child process that owns the connections, so a runaway statement can be
 * stopped for real: on timeout (or the client cancelling) the process is SIGKILLed and a fresh one started.
 * The process starts on `warm()` or the first request, and never outlives this one. This class owns the process (its
 * start and start limit, its exit and replacement); its ExecutorLine decides what is sent to it and when.
 */
export class ChildExecutor implements SqliteExecutor {
  readonly readOnly: boolean;
  readonly timeoutMs: number;
  /** The executor process's memory limit, in MiB. */
  readonly maxMemoryMb: number;
  readonly #options: ChildExecutorOptions;
  readonly #limits: ExecutorLimits;
  #child: ChildProcess | undefined;
  #ready = false;
  readonly #line: ExecutorLine;
  /** Runs out when the process has not said it is ready within startLimitMs. */
  #startTimer: NodeJS.Timeout | undefined;
  /** Why the process being started was killed before it was ready, when it was. */
  #startFailure: string | undefined;
  #closed = false;
  /** A #pump is due at the end of this turn of the event loop (#pumpSoon). */
  #pumpScheduled = false;
  readonly #script: ExecutorScript;
  readonly #killOnExit = () => this.#child?.kill("SIGKILL");

  constructor(options: ChildExecutorOptions) {
    this.#options = options;
    this.readOnly = options.readOnly;
    this.timeoutMs = options.timeoutMs;
    this.#limits = executorLimits(options);
    this.maxMemoryMb = this.#limits.maxMemoryMb;
    this.#script = executorScript(options.entry);
    this.#line = new ExecutorLine(this.timeoutMs, {
      stop: () => this.#child?.kill("SIGKILL"),
      next: () => this.#pump(),
      starting: () => !this.running,
    });
  }

  /** The executor process's pid, when one is running. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** A process is up and has opened the database: a request now costs one message, not a start. */
  get running(): boolean {
    return !this.#closed && this.#child !== undefined && this.#ready && !this.#child.killed;
  }

  warm(): void {
    if (!this.#closed && !this.#child) this.#spawn();
  }

  run(
    request: EngineRequest,
    signal?: AbortSignal,
    observe?: StatementObserver,
    started?: () => void,
  ): Promise<Record<string, unknown>> {
    if (this.#closed) return Promise.reject(new Error(SHUTTING_DOWN_UNCHANGED));
    if (signal?.aborted) return Promise.reject(new Error("cancelled by the client before it ran"));
    // JSON would carry an Infinity across to the process as null, which it would bind: refused before it crosses.
    const problem = requestParamsProblem(request);
    if (problem) return Promise.reject(new ToolError(problem));
    return new Promise((resolve, reject) => {
      const job: Job = {
        request,
        resolve,
        reject,
        ...(signal ? { signal } : {}),
        ...(observe ? { observe } : {}),
        ...(started ? { started } : {}),
      };
      if (signal) {
        job.onAbort = () => this.#cancel(job);
        signal.addEventListener("abort", job.onAbort, { once: true });
      }
      this.#line.add(job);
      this.#pumpSoon();
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#line.failWaiting(new Error(SHUTTING_DOWN_UNCHANGED));
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    this.#holdWhileBusy();
    if (this.#line.sending) this.#line.interrupt(SHUTTING_DOWN, SHUTTING_DOWN_UNCHANGED);
    else {
      // An idle child closes its connections (checkpointing the WAL) and exits when the channel closes.
      child.disconnect();
      setTimeout(() => child.kill("SIGKILL"), 2000).unref();
    }
    await exited;
  }

  #spawn(): void {
    const { path, readOnly } = this.#options;
    const { busyTimeoutMs, startLimitMs } = this.#limits;
    const config: ChildConfig = { path, readOnly, busyTimeoutMs, parentPid: process.pid };
    const child = startExecutorProcess(this.#script, config, this.maxMemoryMb);
    this.#child = child;
    this.#ready = false;
    this.#startFailure = undefined;
    this.#startTimer = setTimeout(
      () => {
        if (this.#child !== child || this.#ready) return;
        this.#startFailure = `it did not open the database within ${startLimitMs / 1000} s: is ${path} on a file system that does not answer?`;
        child.kill("SIGKILL");
      },
      Math.min(startLimitMs, MAX_TIMER_MS),
    );
    this.#startTimer.unref();
    process.on("exit", this.#killOnExit);
    child.on("message", (message: ChildMessage) => this.#onMessage(child, message));
    child.on("error", (error) => {
      if (!this.#ready) this.#failStart(child, error.message);
    });
    child.on("exit", (code, signal) => this.#onExit(child, signal ?? `exit code ${code}`));
    this.#holdWhileBusy();
  }

  #onMessage(child: ChildProcess, message: ChildMessage): void {
    // A reply that left a process just before it was stopped: its job was settled when the process exited.
    if (this.#child !== child) return;
    if ("ready" in message) {
      clearTimeout(this.#startTimer);
      this.#ready = true;
      this.#pump();
      return;
    }
    if ("running" in message) {
      this.#line.running(message.running);
      return;
    }
    const job = this.#line.answered();
    if (job) answer(job, message.reply, this.maxMemoryMb);
  }

  /** `how`: the signal that ended the process, or its exit code. */
  #onExit(child: ChildProcess, how: string): void {
    if (this.#child === child) {
      this.#child = undefined;
      clearTimeout(this.#startTimer);
    }
    process.off("exit", this.#killOnExit);
    if (!this.#ready && !this.#line.sending) {
      // It died before it could answer: retrying would only loop, so the waiting calls fail instead.
      this.#failStart(child, this.#startFailure ?? how);
      return;
    }
    const lost = this.#line.exited(child.killed, this.#closed);
    if (lost) settle(lost, deathError(lost, how, this.maxMemoryMb));
    // After a kill we start the replacement now, so the next call does not wait for it.
    if (!this.#closed && (lost?.killedFor || this.#line.waiting)) this.#spawn();
  }

  /**
   * The process keeps the program alive only while there is work for it (or it is being closed): an idle executor,
   * as warm() starts one, must not stop a library user's program from exiting when it is done.
   */
  #holdWhileBusy(): void {
    const child = this.#child;
    if (!child) return;
    if (this.#closed || this.#line.busy) {
      child.ref();
      child.channel?.ref();
    } else {
      child.unref();
      child.channel?.unref();
    }
  }

  #failStart(child: ChildProcess, why: string): void {
    if (this.#child === child) this.#child = undefined;
    const error = new Error(`the SQLite executor process could not start (${why}); the server's stderr says more`);
    this.#line.failWaiting(error);
  }

  /**
   * Calls given in one turn of the event loop (an HTTP server under load parses many requests in one) go to the
   * process in one message: one write, and one wake of the process instead of one per call.
   */
  #pumpSoon(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    setImmediate(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    if (this.#closed) return;
    this.#holdWhileBusy();
    if (!this.#child) {
      if (this.#line.waiting) this.#spawn();
      return;
    }
    // Nothing more for a process we are stopping: what it was sent is sent again to the next one.
    if (!this.#ready || this.#child.killed) return;
    const child = this.#child;
    this.#line.send((batch) => child.send(batch));
  }

  #cancel(job: Job): void {
    this.#line.cancel(job);
    this.#holdWhileBusy();
  }
}
