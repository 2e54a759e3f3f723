import { MAX_TIMER_MS } from "@mcp-toolkit/core";
import type { ChildRequest } from "./executor-child.js";
import { afterExit } from "./executor-exit.js";
import { isRead, type Job, maySend, settle } from "./executor-jobs.js";
import { overrunError, runTimeMs, timeLeft, waitedOutError } from "./job-time-limit.js";
import { interruptedWriteMessage, SHUTTING_DOWN_UNCHANGED } from "./limit-messages.js";

/** What the line asks of the executor that owns the process. */
export interface LineHooks {
  /** Kill the process: the running job ends with the error it was given (killedFor), the rest are sent again. */
  stop(): void;
  /** The process may take more: send what it can. */
  next(): void;
  /** No process is ready to take jobs: one is being started. */
  starting(): boolean;
}

/**
 * The calls given to one executor, in order: those waiting, and those sent to its process, the first of which runs
 * under the time limit. The executor owns the process; this decides what is sent, and what a stop or exit ends.
 */
export class ExecutorLine {
  /** Waiting to be sent. */
  readonly #queue: Job[] = [];
  /**
   * Sent to the process, in order; the first is running, its time limit counting. Either one write or transaction,
   * or up to PIPELINE_DEPTH reads: those behind the first have not started, so after a kill they are sent again.
   */
  #sent: Job[] = [];
  #timer: NodeJS.Timeout | undefined;
  #nextId = 1;
  readonly #timeoutMs: number;
  readonly #hooks: LineHooks;

  constructor(timeoutMs: number, hooks: LineHooks) {
    this.#timeoutMs = timeoutMs;
    this.#hooks = hooks;
  }

  /** Jobs are waiting or sent: the process has work. */
  get busy(): boolean {
    return this.#queue.length > 0 || this.#sent.length > 0;
  }

  /** Jobs are waiting for a process. */
  get waiting(): boolean {
    return this.#queue.length > 0;
  }

  /** The process has been sent jobs it has not answered. */
  get sending(): boolean {
    return this.#sent.length > 0;
  }

  /** A new call: its time limit starts now, and counts the time it waits behind others. */
  add(job: Job): void {
    job.queuedAt = performance.now();
    this.#armWait(job);
    this.#queue.push(job);
  }

  /** Send the process what it may take now, in one message, with `post`. */
  send(post: (batch: ChildRequest[]) => void): void {
    const batch: ChildRequest[] = [];
    for (let job = this.#queue[0]; job && maySend(job, this.#sent); job = this.#queue[0]) {
      this.#queue.shift();
      if (this.#left(job) <= 0) {
        this.#waitedOut(job, false);
        continue;
      }
      this.#sent.push(job);
      if (this.#sent.length === 1) this.#startClock();
      // On the wall clock, which both processes share: a read sent ahead starts only when those before it finish.
      batch.push({ id: this.#nextId++, request: job.request, endsAt: Date.now() + this.#left(job) });
    }
    if (batch.length > 0) post(batch);
  }

  /** The running job has answered: it is returned, for the reply to settle, and the next one sent is running. */
  answered(): Job | undefined {
    const job = this.#sent[0];
    if (job) this.#finish();
    return job;
  }

  /** The running job, a transaction, has started its statement `index` (from 0). */
  running(index: number): void {
    const job = this.#sent[0];
    if (job) job.running = index;
  }

  /** Fail every job still waiting with `error`. */
  failWaiting(error: Error): void {
    for (const job of this.#queue.splice(0)) settle(job, error);
  }

  /** Kill the process for `why`, which the running job ends with. */
  stop(why: Error): void {
    const running = this.#sent[0];
    if (running) running.killedFor = why;
    for (const job of [...this.#sent.slice(1), ...this.#queue]) job.behindStopped = true;
    this.#hooks.stop();
  }

  /**
   * Kill the process under the running job for a reason outside it (its client cancelled, the server is shutting
   * down). A write may have committed just before the kill, its answer still on the way: it is not said to be rolled
   * back, or a model or client that runs it again (on another replica) would apply it twice. A read ends with
   * `readWhy`, which may say more (that it can be sent again).
   */
  interrupt(why: string, readWhy = why): void {
    const running = this.#sent[0];
    const write = running !== undefined && !isRead(running.request);
    this.stop(new Error(write ? interruptedWriteMessage(why) : readWhy));
  }

  cancel(job: Job): void {
    if (job === this.#sent[0]) {
      this.interrupt("cancelled by the client and stopped");
    } else if (this.#sent.includes(job)) {
      // A read sent ahead: answered now, and stopped if it comes to run (#startClock).
      settle(job, new Error("cancelled by the client before it ran"));
    } else if (this.#queue.includes(job)) {
      this.#queue.splice(this.#queue.indexOf(job), 1);
      settle(job, new Error("cancelled by the client before it ran"));
    }
  }

  /**
   * The process exited (`killedByUs`: we sent the signal). Reads it never finished wait first for the next one, or
   * fail when `closing`. Returns the job it was running, taken off the line, for the caller to fail.
   */
  exited(killedByUs: boolean, closing: boolean): Job | undefined {
    clearTimeout(this.#timer);
    const { lost, again } = afterExit(this.#sent, killedByUs);
    this.#sent = lost ? [lost] : [];
    if (closing) for (const read of again) settle(read, new Error(SHUTTING_DOWN_UNCHANGED));
    else {
      for (const read of again) this.#armWait(read);
      this.#queue.unshift(...again);
    }
    if (lost) this.#finish();
    return lost;
  }

  /** The first job sent is running now: its time limit starts. */
  #startClock(): void {
    const job = this.#sent[0];
    if (!job) return;
    if (job.settled) {
      // Cancelled while sent ahead: it must not hold the process, and the calls behind it, for a whole time limit.
      // Stopping it costs a fresh process, as cancelling a running call does; the reads behind it are sent again.
      this.stop(new Error("cancelled by the client before it ran"));
      return;
    }
    clearTimeout(job.waitTimer);
    job.started?.();
    const waited = this.#timeoutMs - this.#left(job);
    // Past the time limit the call is refused for `timeout`, which core counts. Not before an answer that has
    // already come is read (after this turn's I/O): a statement that finished as its time ran out is not stopped.
    const timedOut = () =>
      setImmediate(() => {
        if (this.#sent[0] !== job) return;
        this.stop(overrunError(job, this.#timeoutMs, waited));
      });
    this.#timer = setTimeout(timedOut, runTimeMs(job, this.#timeoutMs));
  }

  /** What is left of `job`'s time limit (job-time-limit.ts). */
  #left(job: Job): number {
    return timeLeft(job, this.#timeoutMs);
  }

  /** Fail `job` if its whole time limit passes before it starts running. */
  #armWait(job: Job): void {
    clearTimeout(job.waitTimer);
    const left = this.#left(job);
    if (left >= MAX_TIMER_MS) return;
    job.waitTimer = setTimeout(
      () => {
        if (job === this.#sent[0] || job.settled) return; // running: its own clock stops it
        const waiting = this.#queue.indexOf(job);
        if (waiting !== -1) this.#queue.splice(waiting, 1);
        // A read sent ahead is answered now and stopped if it comes to run, as a cancelled one is (#startClock).
        this.#waitedOut(job, waiting > 0);
      },
      Math.max(0, left),
    );
  }

  /** `queuedAhead`: calls were waiting ahead of it in the queue. */
  #waitedOut(job: Job, queuedAhead: boolean): void {
    // Nothing sent and nothing ahead of it: it waited for the process to start, not for other statements.
    const starting = !queuedAhead && !job.behindStopped && this.#sent.length === 0 && this.#hooks.starting();
    settle(job, waitedOutError(job, this.#timeoutMs, starting));
  }

  /** The first job sent has answered (or died): the next one sent is running. */
  #finish(): void {
    clearTimeout(this.#timer);
    this.#sent.shift();
    this.#startClock();
    queueMicrotask(() => this.#hooks.next());
  }
}
