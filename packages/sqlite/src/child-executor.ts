import { type ChildProcess, fork, type SpawnOptions, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { wholeNumberProblem } from "@mcp-toolkit/core";
import type { EngineRequest } from "./engine.js";
import { refusalError, replyError, type SqliteExecutor, type StatementObserver } from "./executor.js";
import type { ChildConfig, ChildMessage, ChildRequest } from "./executor-child.js";
import { ConfirmationNeeded } from "./losses.js";
import { EXEC_KILLED_WITH_PARENT } from "./parent-death.js";
import { memoryAdvice, timeoutMessage } from "./statements.js";

/** Default for ChildExecutorOptions.maxMemoryMb, in MiB. */
export const DEFAULT_MAX_MEMORY_MB = 256;

/**
 * The least time the executor process is given to start and open the database: Node's start takes a second or two
 * on a loaded machine, and opening waits up to the busy timeout for another process's lock. A file system that
 * never answers (a dead network mount) would otherwise hold every call forever.
 */
export const DEFAULT_START_LIMIT_MS = 15_000;

/** setTimeout's longest delay (about 24.8 days): a longer one fires at once, so the limits are held to it. */
const LONGEST_TIMER_MS = 2_147_483_647;

/** The smallest memory limit, in MiB: Node itself takes about 100 of it, and statements need some room. */
export const MIN_MEMORY_MB = 160;

/** How to open the database in the executor process. */
export interface ChildExecutorOptions {
  path: string;
  readOnly: boolean;
  /** Time limit per request; past it the process is killed and replaced. */
  timeoutMs: number;
  /** How long a statement waits for another process's lock. Default: the smaller of 5 s and timeoutMs. */
  busyTimeoutMs?: number;
  /**
   * Memory the executor process may use, in MiB, at least 160; about 100 of it is Node's own (mostly stack space its
   * threads reserve). On Linux the whole process is held to it, so a statement that needs more stops with an error
   * saying so; elsewhere only its JavaScript heap is. Default 256.
   */
  maxMemoryMb?: number;
  /**
   * How long the executor process may take to start and open the database, in ms; past it the process is killed and
   * the calls waiting for it fail. Default: the larger of timeoutMs and 15 s (DEFAULT_START_LIMIT_MS).
   */
  startLimitMs?: number;
  /**
   * The executor's entry script, for when this module is bundled into an app and its compiled sibling
   * executor-child.js is not next to it. Default: that sibling.
   */
  entry?: string;
}

interface Job {
  request: EngineRequest;
  resolve: (value: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  signal?: AbortSignal;
  observe?: StatementObserver;
  onAbort?: () => void;
  /** Why we killed the process while this job ran: the error the job ends with. */
  killedFor?: Error;
  /** Answered already (cancelled while sent ahead); its reply, when it comes, is dropped. */
  settled?: boolean;
}

/**
 * Reads sent to the executor before the one it runs has answered. The process still runs one request at a time, but
 * it need not sleep and be woken for each: with many clients, a hop per read cost more than the read (issue 18).
 */
export const PIPELINE_DEPTH = 16;

/** A read (anything but a write or a transaction): safe to send ahead, and to run again if it never answered. */
function isRead(request: EngineRequest): boolean {
  return request.op !== "write" && request.op !== "transaction";
}

/**
 * Runs requests one at a time in a child process that owns the connections, so a runaway statement can be
 * stopped for real: on timeout (or the client cancelling) the process is SIGKILLed and a fresh one started.
 * The process starts on `warm()` or the first request, and never outlives this one.
 */
export class ChildExecutor implements SqliteExecutor {
  readonly readOnly: boolean;
  readonly timeoutMs: number;
  /** The executor process's memory limit, in MiB. */
  readonly maxMemoryMb: number;
  readonly #options: ChildExecutorOptions;
  #child: ChildProcess | undefined;
  #ready = false;
  #queue: Job[] = [];
  /**
   * Sent to the process, in order; the first is running, its time limit counting. Either one write or transaction,
   * or up to PIPELINE_DEPTH reads: those behind the first have not started, so after a kill they are sent again.
   */
  #sent: Job[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** Runs out when the process has not said it is ready within startLimitMs. */
  #startTimer: NodeJS.Timeout | undefined;
  /** Why the process being started was killed before it was ready, when it was. */
  #startFailure: string | undefined;
  #closed = false;
  /** The script the executor process runs, and Node's arguments for it. */
  readonly #entry: { file: string; execArgv: string[] };
  #nextId = 1;
  readonly #killOnExit = () => this.#child?.kill("SIGKILL");

  constructor(options: ChildExecutorOptions) {
    this.#options = options;
    this.readOnly = options.readOnly;
    this.timeoutMs = options.timeoutMs;
    this.maxMemoryMb = options.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB;
    const problem = wholeNumberProblem(this.maxMemoryMb, "maxMemoryMb", { min: MIN_MEMORY_MB });
    if (problem) throw new RangeError(problem);
    const startProblem =
      options.startLimitMs === undefined
        ? undefined
        : wholeNumberProblem(options.startLimitMs, "startLimitMs", { min: 1 });
    if (startProblem) throw new RangeError(startProblem);
    this.#entry = options.entry ? { file: options.entry, execArgv: [] } : childEntry();
    // Checked now: else an app that bundled this package learns of it at the first call, from the child's stderr.
    if (!existsSync(this.#entry.file)) {
      throw new Error(
        `the SQLite executor script ${this.#entry.file} does not exist; an app that bundles @mcp-toolkit/sqlite passes executorEntry (ChildExecutor: entry), the package's dist/executor-child.js`,
      );
    }
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

  run(request: EngineRequest, signal?: AbortSignal, observe?: StatementObserver): Promise<Record<string, unknown>> {
    if (this.#closed) return Promise.reject(new Error("the server is shutting down"));
    if (signal?.aborted) return Promise.reject(new Error("cancelled by the client before it ran"));
    return new Promise((resolve, reject) => {
      const job: Job = { request, resolve, reject, ...(signal ? { signal } : {}), ...(observe ? { observe } : {}) };
      if (signal) {
        job.onAbort = () => this.#cancel(job);
        signal.addEventListener("abort", job.onAbort, { once: true });
      }
      this.#queue.push(job);
      this.#pump();
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const job of this.#queue.splice(0)) this.#settle(job, new Error("the server is shutting down"));
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    this.#holdWhileBusy();
    if (this.#sent.length > 0) this.#kill(new Error("the server is shutting down"));
    else {
      // An idle child closes its connections (checkpointing the WAL) and exits when the channel closes.
      child.disconnect();
      setTimeout(() => child.kill("SIGKILL"), 2000).unref();
    }
    await exited;
  }

  #spawn(): void {
    const { path, readOnly, timeoutMs } = this.#options;
    const config: ChildConfig = {
      path,
      readOnly,
      busyTimeoutMs: this.#options.busyTimeoutMs ?? Math.min(5000, timeoutMs),
      parentPid: process.pid,
    };
    const entry = this.#entry;
    const child = startBounded(entry.file, entry.execArgv, [JSON.stringify(config)], this.maxMemoryMb);
    this.#child = child;
    this.#ready = false;
    this.#startFailure = undefined;
    const startLimitMs = this.#options.startLimitMs ?? Math.max(timeoutMs, DEFAULT_START_LIMIT_MS);
    this.#startTimer = setTimeout(
      () => {
        if (this.#child !== child || this.#ready) return;
        this.#startFailure = `it did not open the database within ${startLimitMs / 1000} s: is ${path} on a file system that does not answer?`;
        child.kill("SIGKILL");
      },
      Math.min(startLimitMs, LONGEST_TIMER_MS),
    );
    this.#startTimer.unref();
    process.on("exit", this.#killOnExit);
    child.on("message", (message: ChildMessage) => {
      // A reply that left a process just before it was stopped: its job was settled when the process exited.
      if (this.#child !== child) return;
      if ("ready" in message) {
        clearTimeout(this.#startTimer);
        this.#ready = true;
        this.#pump();
        return;
      }
      const job = this.#sent[0];
      if (!job) return;
      this.#finish();
      const { reply } = message;
      if (reply.statements && !job.settled) job.observe?.(reply.statements);
      if (reply.ok) this.#settle(job, undefined, reply.value);
      else if (reply.confirm) this.#settle(job, new ConfirmationNeeded(reply.confirm));
      else if (reply.outOfMemory) {
        const advice = memoryAdvice(this.maxMemoryMb, job.request.limits.memorySetting);
        this.#settle(job, new Error(`${reply.error} — the statement needed more than ${advice}`));
      } else this.#settle(job, replyError(reply));
    });
    child.on("error", (error) => {
      if (!this.#ready) this.#failStart(child, error.message);
    });
    child.on("exit", (code, signal) => {
      if (this.#child === child) {
        this.#child = undefined;
        clearTimeout(this.#startTimer);
      }
      process.off("exit", this.#killOnExit);
      if (!this.#ready && this.#sent.length === 0) {
        // It died before it could answer: retrying would only loop, so the waiting calls fail instead.
        this.#failStart(child, this.#startFailure ?? signal ?? `exit code ${code}`);
        return;
      }
      clearTimeout(this.#timer);
      const [first, ...sentAhead] = this.#sent;
      // Killed for a job that answered just before the signal landed: the read after it did not fail, it was stopped.
      const stopped = first !== undefined && !first.killedFor && child.killed && isRead(first.request);
      const job = stopped ? undefined : first;
      // Reads sent behind the one that ran never started (or were stopped): the next process takes them first.
      this.#sent = job ? [job] : [];
      const unstarted = (stopped ? [first, ...sentAhead] : sentAhead).filter((read) => !read.settled);
      if (this.#closed) for (const read of unstarted) this.#settle(read, new Error("the server is shutting down"));
      else this.#queue.unshift(...unstarted);
      if (job) {
        this.#finish();
        const advice = memoryAdvice(this.maxMemoryMb, job.request.limits.memorySetting);
        this.#settle(
          job,
          job.killedFor ??
            new Error(
              `the SQLite executor process died while running this (${signal ?? `exit code ${code}`}), perhaps at ${advice}. It did not complete and any change was rolled back; a fresh process takes the next call`,
            ),
        );
      }
      // After a kill we start the replacement now, so the next call does not wait for it.
      if (!this.#closed && (job?.killedFor || this.#queue.length > 0)) this.#spawn();
    });
    this.#holdWhileBusy();
  }

  /**
   * The process keeps the program alive only while there is work for it (or it is being closed): an idle executor,
   * as warm() starts one, must not stop a library user's program from exiting when it is done.
   */
  #holdWhileBusy(): void {
    const child = this.#child;
    if (!child) return;
    if (this.#closed || this.#queue.length > 0 || this.#sent.length > 0) {
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
    for (const job of this.#queue.splice(0)) this.#settle(job, error);
  }

  #pump(): void {
    if (this.#closed) return;
    this.#holdWhileBusy();
    if (!this.#child) {
      if (this.#queue.length > 0) this.#spawn();
      return;
    }
    // Nothing more for a process we are stopping: what it was sent is sent again to the next one.
    if (!this.#ready || this.#child.killed) return;
    const child = this.#child;
    const reading = () => this.#sent.every((job) => isRead(job.request));
    // Next: anything when nothing is out; more reads behind reads, up to the depth; a write waits for the rest.
    while (this.#queue.length > 0 && (this.#sent.length === 0 || (reading() && this.#sent.length < PIPELINE_DEPTH))) {
      const job = this.#queue[0] as Job;
      if (this.#sent.length > 0 && !isRead(job.request)) break;
      this.#queue.shift();
      this.#sent.push(job);
      if (this.#sent.length === 1) this.#startClock();
      const message: ChildRequest = { id: this.#nextId++, request: job.request };
      child.send(message);
    }
  }

  /** The first job sent is running now: its time limit starts. */
  #startClock(): void {
    const job = this.#sent[0];
    if (!job) return;
    if (job.settled) {
      // Cancelled while sent ahead: it must not hold the process, and the calls behind it, for a whole time limit.
      // Stopping it costs a fresh process, as cancelling a running call does; the reads behind it are sent again.
      this.#kill(new Error("cancelled by the client before it ran"));
      return;
    }
    const writes = !isRead(job.request);
    const setting = job.request.limits.timeoutSetting;
    // Past the time limit the call is refused for `timeout`, which core counts.
    const timedOut = () => this.#kill(refusalError(timeoutMessage(this.timeoutMs, writes, setting), "timeout"));
    this.#timer = setTimeout(timedOut, Math.min(this.timeoutMs, LONGEST_TIMER_MS));
  }

  #cancel(job: Job): void {
    if (job === this.#sent[0]) {
      this.#kill(new Error("cancelled by the client and stopped; unfinished changes were rolled back"));
    } else if (this.#sent.includes(job)) {
      // A read sent ahead: answered now, and stopped if it comes to run (#startClock).
      this.#settle(job, new Error("cancelled by the client before it ran"));
    } else if (this.#queue.includes(job)) {
      this.#queue.splice(this.#queue.indexOf(job), 1);
      this.#settle(job, new Error("cancelled by the client before it ran"));
    }
    this.#holdWhileBusy();
  }

  #kill(why: Error): void {
    const running = this.#sent[0];
    if (running) running.killedFor = why;
    this.#child?.kill("SIGKILL");
  }

  /** The first job sent has answered (or died): the next one sent is running. */
  #finish(): void {
    clearTimeout(this.#timer);
    this.#sent.shift();
    this.#startClock();
    queueMicrotask(() => this.#pump());
  }

  #settle(job: Job, error: Error | undefined, value?: Record<string, unknown>): void {
    if (job.settled) return;
    job.settled = true;
    if (job.onAbort) job.signal?.removeEventListener("abort", job.onAbort);
    if (error) job.reject(error);
    else job.resolve(value ?? {});
  }
}

/**
 * Start the executor with its memory bounded. better-sqlite3 offers no sqlite3_limit() and builds SQLite without
 * memory accounting (SQLITE_DEFAULT_MEMSTATUS=0), so PRAGMA hard_heap_limit is accepted but never enforced: the
 * bound has to come from outside. On Linux that is the process's RLIMIT_DATA (its heap and writable private
 * mappings, not address space merely reserved), set by the shell's `ulimit -d` since Node cannot set a child's
 * limits; `exec` keeps one process, so the pid and the IPC channel are Node's. SQLite's own allocations past it fail
 * with SQLITE_NOMEM and the statement stops cleanly; a copy into JavaScript that does not fit ends the process.
 * Everywhere, V8's heap gets half the limit, so it collects garbage well before the rest runs out.
 */
function startBounded(file: string, execArgv: string[], args: string[], maxMemoryMb: number): ChildProcess {
  const nodeArgs = [...execArgv, `--max-old-space-size=${Math.floor(maxMemoryMb / 2)}`];
  // stdout is the MCP channel on stdio: the child must never write to it.
  const options: SpawnOptions = { stdio: ["ignore", "ignore", "inherit", "ipc"], serialization: "json" };
  if (process.platform !== "linux") return fork(file, args, { ...options, execArgv: nodeArgs });
  // A failed ulimit ends the shell with its own error: "$1" must never be run as the command.
  const script = `ulimit -d "$1" && shift || exit\n${EXEC_KILLED_WITH_PARENT}`;
  const kib = String(maxMemoryMb * 1024);
  return spawn("/bin/sh", ["-c", script, "sh", kib, process.execPath, ...nodeArgs, file, ...args], options);
}

/** The executor's entry file: the compiled sibling, or the TypeScript source (run through tsx) in development. */
function childEntry(): { file: string; execArgv: string[] } {
  if (import.meta.url.endsWith(".ts")) {
    return { file: fileURLToPath(new URL("./executor-child.ts", import.meta.url)), execArgv: ["--import", "tsx"] };
  }
  return { file: fileURLToPath(new URL("./executor-child.js", import.meta.url)), execArgv: [] };
}
