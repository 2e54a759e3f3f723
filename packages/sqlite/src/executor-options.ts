import { wholeNumberProblem } from "@mcp-toolkit/core";

/** Default for ChildExecutorOptions.maxMemoryMb, in MiB. */
export const DEFAULT_MAX_MEMORY_MB = 256;

/**
 * The least time the executor process is given to start and open the database: Node's start takes a second or two
 * on a loaded machine, and opening waits up to the busy timeout for another process's lock. A file system that
 * never answers (a dead network mount) would otherwise hold every call forever.
 */
export const DEFAULT_START_LIMIT_MS = 15_000;

/** The smallest memory limit, in MiB: Node itself takes about 100 of it, and statements need some room. */
export const MIN_MEMORY_MB = 160;

/** The longest a statement waits for another connection's lock when no busy timeout is given, in ms. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * How long a statement waits for another connection's lock: the given busy timeout (default 5 s), held to half the
 * time limit. A lock wait must end well before the limit stops the call, so it fails as "database is locked … retry
 * shortly" (nothing changed, try again) rather than as a runaway statement whose process is killed.
 */
export function lockWaitMs(timeoutMs: number, busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS): number {
  return Math.min(busyTimeoutMs, Math.floor(timeoutMs / 2));
}

/** How to open the database in the executor process. */
export interface ChildExecutorOptions {
  path: string;
  readOnly: boolean;
  /** Time limit per request; past it the process is killed and replaced. */
  timeoutMs: number;
  /** How long a statement waits for another process's lock: at most half of timeoutMs (see lockWaitMs). Default 5 s. */
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

/** The limits an executor process runs under, defaults filled in. */
export interface ExecutorLimits {
  maxMemoryMb: number;
  startLimitMs: number;
  busyTimeoutMs: number;
}

/** The options' limits with their defaults; a RangeError names one out of range. */
export function executorLimits(options: ChildExecutorOptions): ExecutorLimits {
  const maxMemoryMb = options.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB;
  const problem = wholeNumberProblem(maxMemoryMb, "maxMemoryMb", { min: MIN_MEMORY_MB });
  if (problem) throw new RangeError(problem);
  const startProblem =
    options.startLimitMs === undefined
      ? undefined
      : wholeNumberProblem(options.startLimitMs, "startLimitMs", { min: 1 });
  if (startProblem) throw new RangeError(startProblem);
  return {
    maxMemoryMb,
    startLimitMs: options.startLimitMs ?? Math.max(options.timeoutMs, DEFAULT_START_LIMIT_MS),
    busyTimeoutMs: lockWaitMs(options.timeoutMs, options.busyTimeoutMs),
  };
}
