// What a call is told when it meets the time limit or the executor's memory limit, naming the setting behind it.

/** The error for a statement stopped at the time limit; `setting` names the limit for whoever configured it. */
export function timeoutMessage(ms: number, writes: boolean, setting = "timeoutMs", waitedMs = 0): string {
  return `stopped after ${ms} ms, the time limit set by ${setting}${waitedPart(waitedMs)}; ${
    writes ? "it was rolled back and nothing was changed" : "nothing was changed"
  }. Narrow it with WHERE or LIMIT, or give a recursive CTE a stopping condition`;
}

/**
 * The error for a transaction stopped at the time limit: which statement was running (`running`, from 0, as the
 * executor process said it began it; undefined if it had not said), shown short and escaped, and that all of it was
 * rolled back.
 */
export function transactionTimeoutMessage(
  ms: number,
  statements: readonly { sql: string }[],
  running: number | undefined,
  setting = "timeoutMs",
  waitedMs = 0,
): string {
  const limit = `${ms} ms, the time limit set by ${setting}${waitedPart(waitedMs)}`;
  const sql = running === undefined ? undefined : statements[running]?.sql;
  const rolledBack = "the whole transaction was rolled back and nothing was applied";
  if (sql === undefined) {
    return `the transaction was stopped after ${limit}; ${rolledBack}. Find its slow statement with execute_query (EXPLAIN QUERY PLAN), narrow it with WHERE or LIMIT or give a recursive CTE a stopping condition, or split the work into smaller transactions`;
  }
  const index = (running as number) + 1;
  const before = index === 1 ? "" : index === 2 ? " (statement 1 included)" : ` (statements 1–${index - 1} included)`;
  return `statement ${index} of ${statements.length} was still running when the transaction was stopped after ${limit}: ${excerpt(sql)}. So ${rolledBack}${before}. Make statement ${index} quicker (narrow it with WHERE or LIMIT, give a recursive CTE a stopping condition), or run it in a call of its own`;
}

/** Up to EXCERPT_CHARS of a statement, on one line, as a JSON string: quotes and control characters escaped. */
function excerpt(sql: string): string {
  const flat = sql.trim().replace(/\s+/g, " ");
  return JSON.stringify(flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat);
}

/** Characters of a statement a transaction's timeout quotes. */
const EXCERPT_CHARS = 120;

function waitedPart(waitedMs: number): string {
  return waitedMs >= 1 ? ` (${Math.round(waitedMs)} ms of it waiting its turn: ${ONE_AT_A_TIME})` : "";
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

/** Why a write ends that was stopped from outside (`why`), which may have committed first (ExecutorLine.interrupt). */
export function interruptedWriteMessage(why: string): string {
  return `${why}: if it had already committed, its change is in the database, else it was rolled back; check with execute_query before running it again`;
}

/** Why a call failed that a stopping server did not run, or stopped before it could change anything. */
export const SHUTTING_DOWN = "the server is shutting down";

/** The same, with what to do: behind a load balancer another replica takes the call sent again. */
export const SHUTTING_DOWN_UNCHANGED = `${SHUTTING_DOWN}; nothing was changed: call again (another instance may answer)`;
