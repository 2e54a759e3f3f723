// What a call is told when it meets the time limit or the executor's memory limit, naming the setting behind it.

/** The error for a statement stopped at the time limit; `setting` names the limit for whoever configured it. */
export function timeoutMessage(ms: number, writes: boolean, setting = "timeoutMs", waitedMs = 0): string {
  const waited = waitedMs >= 1 ? ` (${Math.round(waitedMs)} ms of it waiting its turn: ${ONE_AT_A_TIME})` : "";
  return `stopped after ${ms} ms, the time limit set by ${setting}${waited}; ${
    writes ? "it was rolled back and nothing was changed" : "nothing was changed"
  }. Narrow it with WHERE or LIMIT, or give a recursive CTE a stopping condition`;
}

/**
 * Why a call failed that spent its whole time limit waiting: for the statements ahead of it, or (`starting`) with none
 * ahead, for the executor's process to start.
 */
export function waitedOutMessage(ms: number, setting = "timeoutMs", starting = false): string {
  const why = starting
    ? "the process that runs this server's statements was still starting (as it does at first, and after a statement is stopped) and took that long. Nothing ran; call again"
    : `${ONE_AT_A_TIME}, and those ahead of it took that long. Nothing ran; call again, and make the slow statements quicker (WHERE, LIMIT) or send fewer at once`;
  return `waited ${ms} ms, the time limit set by ${setting}, and never started: ${why}`;
}

const ONE_AT_A_TIME = "this server runs its statements one at a time";

/**
 * The executor's memory limit and how to stay under it, for messages about a statement that needed more; `setting`
 * names the limit for whoever configured it.
 */
export function memoryAdvice(mb: number, setting = "maxMemoryMb"): string {
  return `the executor's memory limit of ${mb} MiB, set by ${setting}: build smaller values (substr(col, 1, 1000), or length(col) instead of col) and return fewer rows or columns at once, or ask the server's operator to raise the limit`;
}

/** Why a call failed that a stopping server did not run, or stopped before it could change anything. */
export const SHUTTING_DOWN = "the server is shutting down";

/** The same, with what to do: behind a load balancer another replica takes the call sent again. */
export const SHUTTING_DOWN_UNCHANGED = `${SHUTTING_DOWN}; nothing was changed: call again (another instance may answer)`;
