/** One progress update: `progress` of `total` units (total unknown when absent), with an optional note. */
export interface ProgressUpdate {
  progress: number;
  total?: number;
  message?: string;
}

/** How a long tool tells the client how far it is. A call that finishes quickly sends nothing. */
export interface Progress {
  /** Report work done so far; dropped before `delayMs`, between sends closer than `intervalMs`, or if not higher. */
  report(progress: number, total?: number, message?: string): void;
  /** While `work` runs, report the elapsed seconds every interval (for work that cannot count its own steps). */
  during<T>(work: Promise<T>, message: (elapsedSeconds: number) => string): Promise<T>;
}

/** When progress starts and how often it is sent. */
export interface ProgressTiming {
  /** Nothing is sent until the call has run this long. Default 1000 ms. */
  delayMs: number;
  /** At most one update per this interval. Default 500 ms. */
  intervalMs: number;
}

export const PROGRESS_TIMING: ProgressTiming = { delayMs: 1000, intervalMs: 500 };

/** A Progress that sends nothing: the request carried no progress token. */
export const noProgress: Progress = {
  report() {},
  during: (work) => work,
};

/**
 * A Progress for one call that passes updates to `send` (the progress notification for the request's token), at
 * most every `intervalMs` once the call has run `delayMs`, each higher than the last (the spec requires progress to
 * increase). `now` is injectable for tests.
 */
export function createProgress(
  send: (update: ProgressUpdate) => void,
  timing: ProgressTiming = PROGRESS_TIMING,
  now: () => number = Date.now,
): Progress {
  const started = now();
  let lastSent = Number.NEGATIVE_INFINITY;
  let lastProgress = Number.NEGATIVE_INFINITY;
  const report = (progress: number, total?: number, message?: string) => {
    const at = now();
    if (at - started < timing.delayMs || at - lastSent < timing.intervalMs || !(progress > lastProgress)) return;
    lastSent = at;
    lastProgress = progress;
    send({ progress, ...(total !== undefined ? { total } : {}), ...(message !== undefined ? { message } : {}) });
  };
  return {
    report,
    async during(work, message) {
      const tick = () => {
        const seconds = Math.round((now() - started) / 100) / 10;
        report(seconds, undefined, message(seconds));
      };
      let timer: NodeJS.Timeout | undefined;
      const start = setTimeout(() => {
        tick();
        timer = setInterval(tick, timing.intervalMs);
      }, timing.delayMs);
      try {
        return await work;
      } finally {
        clearTimeout(start);
        clearInterval(timer);
      }
    },
  };
}
