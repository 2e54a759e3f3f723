import { MAX_TIMER_MS } from "@mcp-toolkit/core";
import { refusalError } from "./executor.js";
import { isRead, type Job } from "./executor-jobs.js";
import { timeoutMessage, transactionTimeoutMessage, waitedOutMessage } from "./limit-messages.js";

// A call's time limit, which counts from when it was given to the executor: what is left of it, how long the call
// may run once it starts, and the error it ends with when the limit runs out.

/**
 * However little of its time limit a statement has left when it comes to run (it waited behind others), it runs for
 * this long: a quick one then finishes, instead of being stopped, which would cost every call behind it a fresh
 * process (found by a fault trial: a trivial read stopped as a runaway, 1–2 in 150 calls under a 0.5–1 s limit).
 */
export const MIN_RUN_MS = 50;

/** What is left of `job`'s time limit of `timeoutMs`, which counts from when it was given to the executor. */
export function timeLeft(job: Job, timeoutMs: number): number {
  return timeoutMs - (performance.now() - (job.queuedAt ?? performance.now()));
}

/** How long `job`, starting to run now, runs before it is stopped: what is left of its limit, at least MIN_RUN_MS. */
export function runTimeMs(job: Job, timeoutMs: number): number {
  const runFor = Math.max(timeLeft(job, timeoutMs), Math.min(MIN_RUN_MS, timeoutMs));
  return Math.max(0, Math.min(runFor, MAX_TIMER_MS));
}

/**
 * The error `job` is stopped with at its time limit, after `waited` ms waiting its turn. A transaction's message
 * names the statement it was stopped in, which the process said as it began it: it is read when the job is stopped.
 */
export function overrunError(job: Job, timeoutMs: number, waited: number): Error {
  const { request } = job;
  const setting = request.limits.timeoutSetting;
  const message =
    request.op === "transaction"
      ? transactionTimeoutMessage(timeoutMs, request.statements, job.running, setting, waited)
      : timeoutMessage(timeoutMs, !isRead(request), setting, waited);
  return refusalError(message, "timeout");
}

/** The error `job` fails with when its whole time limit passes before it starts (`starting`: no process was ready). */
export function waitedOutError(job: Job, timeoutMs: number, starting: boolean): Error {
  return refusalError(waitedOutMessage(timeoutMs, job.request.limits.timeoutSetting, starting), "timeout");
}
