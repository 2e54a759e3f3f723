import type { EngineReply, EngineRequest } from "./engine-request.js";
import { replyError, type StatementObserver } from "./executor.js";
import { memoryAdvice } from "./limit-messages.js";
import { ConfirmationNeeded } from "./losses.js";

/**
 * The executor's bookkeeping of calls: what each one is waiting for, which may be sent to the process together, how
 * a reply (or the process's death) answers one, and which run again in the next process.
 */

/** One call to the executor, from run() until it is answered. */
export interface Job {
  request: EngineRequest;
  resolve: (value: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  signal?: AbortSignal;
  observe?: StatementObserver;
  /** Told each time it starts to run (again, after a restart, for a read the stopped process never finished). */
  started?: () => void;
  onAbort?: () => void;
  /** The statement of a transaction (from 0) the process last said it started. */
  running?: number;
  /** Why we killed the process while this job ran: the error the job ends with. */
  killedFor?: Error;
  /** It was waiting when a statement ahead of it was stopped: its wait was that statement's, then the restart's. */
  behindStopped?: true;
  /** Answered already (cancelled while sent ahead); its reply, when it comes, is dropped. */
  settled?: boolean;
  /** When it was given to the executor (performance.now()): its time limit counts from here, waiting included. */
  queuedAt?: number;
  /** Runs out when it has waited its whole time limit without starting. */
  waitTimer?: NodeJS.Timeout;
}

/**
 * Reads sent to the executor before the one it runs has answered. The process still runs one request at a time, but
 * it need not sleep and be woken for each: with many clients, a hop per read cost more than the read (issue 18).
 */
export const PIPELINE_DEPTH = 16;

/** A read (anything but a write or a transaction): safe to send ahead, and to run again if it never answered. */
export function isRead(request: EngineRequest): boolean {
  return request.op !== "write" && request.op !== "transaction";
}

/**
 * Whether `next` may be sent now, behind the jobs `sent`: anything when nothing is out; more reads behind reads, up
 * to the depth; a write waits for the rest.
 */
export function maySend(next: Job, sent: readonly Job[]): boolean {
  if (sent.length === 0) return true;
  return isRead(next.request) && sent.length < PIPELINE_DEPTH && sent.every((job) => isRead(job.request));
}

/** Answer `job` once: with `error`, or else with `value`. */
export function settle(job: Job, error: Error | undefined, value?: Record<string, unknown>): void {
  if (job.settled) return;
  job.settled = true;
  clearTimeout(job.waitTimer);
  if (job.onAbort) job.signal?.removeEventListener("abort", job.onAbort);
  if (error) job.reject(error);
  else job.resolve(value ?? {});
}

/** Answer `job` with the process's reply to it; running out of memory names the limit and how to stay under it. */
export function answer(job: Job, reply: EngineReply, maxMemoryMb: number): void {
  if (reply.statements && !job.settled) job.observe?.(reply.statements);
  if (reply.ok) settle(job, undefined, reply.value);
  else if (reply.confirm) settle(job, new ConfirmationNeeded(reply.confirm));
  else if (reply.outOfMemory) {
    const advice = memoryAdvice(maxMemoryMb, job.request.limits.memorySetting);
    settle(job, new Error(`${reply.error} — the statement needed more than ${advice}`));
  } else settle(job, replyError(reply));
}
