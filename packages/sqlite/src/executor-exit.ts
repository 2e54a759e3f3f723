import { isRead, type Job } from "./executor-jobs.js";
import { memoryAdvice } from "./limit-messages.js";

/** What a process's exit did to the jobs it had been sent, in order. */
export interface ExitOutcome {
  /** The job it was running, which ends with the exit: killedFor, or that the process died. */
  lost: Job | undefined;
  /** Reads that never started (or were stopped) and are not yet answered: the next process takes them first. */
  again: Job[];
}

/**
 * Sort the jobs `sent` to a process that exited. `killedByUs`: we sent the signal. Killed for a job that answered
 * just before the signal landed, the read after it did not fail, it was stopped: it runs again.
 */
export function afterExit(sent: readonly Job[], killedByUs: boolean): ExitOutcome {
  const [first, ...sentAhead] = sent;
  const stopped = first !== undefined && !first.killedFor && killedByUs && isRead(first.request);
  const lost = stopped ? undefined : first;
  const again = (stopped ? [first, ...sentAhead] : sentAhead).filter((read) => !read.settled);
  return { lost, again };
}

/**
 * Why `job` failed when its process died under it: the error we killed it for, else that it died, and how. A write
 * may have committed just before its process died, before its answer left: the model is told to look before it
 * runs it again, which would apply it twice.
 */
export function deathError(job: Job, how: string, maxMemoryMb: number): Error {
  if (job.killedFor) return job.killedFor;
  const advice = memoryAdvice(maxMemoryMb, job.request.limits.memorySetting);
  const outcome = isRead(job.request)
    ? "It did not complete"
    : "Its answer was lost: if the process died after SQLite committed, the change is in the database, else it was rolled back, so check with execute_query before running it again";
  return new Error(
    `the SQLite executor process died while running this (${how}), perhaps at ${advice}. ${outcome}; a fresh process takes the next call`,
  );
}
