import { closeSync, openSync } from "node:fs";
import { devNull } from "node:os";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { Context, Script } from "node:vm";
import { cancelledNote, plural } from "@mcp-toolkit/core";
import { errnoReason, ToolError } from "./errors.js";

/**
 * Longest one stretch of glob or regex matching holds the event loop. A regex cannot be paused, only killed, so
 * matching runs in a vm context whose timeout is this slice; between slices other calls get their turn.
 */
export const SLICE_MS = 100;

/** Longest a walk reads directories and files synchronously before it gives other calls a turn. */
const SYNC_TURN_MS = SLICE_MS / 5;

/** One call's time budget: search_files and directory_tree stop when it runs out, and say so. */
export class Budget {
  private readonly deadline: number;
  private turnStarted = performance.now();

  constructor(
    /** The whole call's limit, named in the message when it runs out. */
    readonly limitMs: number,
    readonly signal?: AbortSignal,
  ) {
    this.deadline = performance.now() + limitMs;
  }

  /** Milliseconds left, never below 0. */
  remaining(): number {
    return Math.max(0, this.deadline - performance.now());
  }

  /** The deadline has passed. */
  get expired(): boolean {
    return this.remaining() === 0;
  }

  /** The caller cancelled the call (its client aborted it or went away). */
  get cancelled(): boolean {
    return this.signal?.aborted === true;
  }

  /**
   * What a call stopped early says: cancelled by its client (the audit trail quotes this), or out of time — the
   * limit by name (`setting`: how its user sets it), and how to get the rest.
   */
  stoppedNote(visited: number, setting: string): string {
    const entries = plural(visited, "entry", "entries");
    if (this.cancelled && !this.expired) return cancelledNote(`after ${entries}`);
    return `[stopped at the ${this.limitMs / 1000} s time limit per call, set by ${setting}, after ${entries}; results are partial — narrow path, pattern or content, or add exclude]`;
  }

  /** This call has held the event loop for SYNC_TURN_MS: shareTurn() would yield now. Lets a hot loop skip its await. */
  get turnDue(): boolean {
    return performance.now() - this.turnStarted > SYNC_TURN_MS;
  }

  /**
   * Give other calls (and a cancellation) a turn of the event loop once this call has held it for SYNC_TURN_MS: the
   * walks read synchronously, which is several times faster than asynchronous reads but never yields by itself.
   */
  async shareTurn(): Promise<void> {
    if (!this.turnDue) return;
    await nextTurn();
    this.turnStarted = performance.now();
  }

  /** The call's time ran out, or the caller cancelled it: stop now. */
  get over(): boolean {
    return this.expired || this.signal?.aborted === true;
  }
}

/** The call's budget ran out (or the call was cancelled) in the middle of matching. */
export class BudgetExceeded extends Error {
  override name = "BudgetExceeded";
}

/** A single item (one name, one line) took a whole slice: the pattern is too costly for this input. */
export class SliceExceeded extends Error {
  override name = "SliceExceeded";
}

/** What a sliced script shares with its runner: `progress` counts finished items, so a rerun can skip them. */
export interface SliceState {
  progress: number;
}

/**
 * Run `script` in `context` to completion, one slice at a time. The script must resume from what `state` says and
 * make each item's result idempotent, since a slice can be killed mid-item and the item redone. Throws
 * BudgetExceeded when the budget runs out or the call is cancelled, SliceExceeded when one item fills a slice.
 * `betweenSlices` is called after each slice that ended unfinished, so a long run can report how far it got.
 */
export async function runSliced(
  script: Script,
  context: Context,
  state: SliceState,
  budget: Budget,
  betweenSlices?: () => void,
): Promise<void> {
  let starved = 0;
  for (;;) {
    if (budget.over) throw new BudgetExceeded("time budget used up");
    const before = state.progress;
    const slice = Math.min(SLICE_MS, budget.remaining());
    const cpu = process.cpuUsage();
    checkDescriptors();
    try {
      script.runInContext(context, { timeout: Math.max(1, Math.ceil(slice)) });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ERR_SCRIPT_EXECUTION_TIMEOUT") throw error;
      if (state.progress === before) {
        if (budget.over || slice < SLICE_MS) throw new BudgetExceeded("time budget used up");
        // The timeout is wall time: on a loaded machine a slice may have run for a fraction of it. Such a slice
        // proves nothing about the item, which gets another (a few at most; the call's budget bounds them all).
        const used = process.cpuUsage(cpu);
        if ((used.user + used.system) / 1000 < slice / 2 && starved < MAX_STARVED_SLICES) {
          starved++;
        } else {
          throw new SliceExceeded(`one item took over ${SLICE_MS} ms`);
        }
      }
    }
    betweenSlices?.();
    await nextTurn();
  }
}

/** Slices in a row an item may lose to other processes before it is judged on the next one alone. */
const MAX_STARVED_SLICES = 5;

/** File descriptors a vm timeout takes to run its watchdog's event loop: an epoll, a pipe and an eventfd. */
const WATCHDOG_DESCRIPTORS = 4;

/**
 * Without WATCHDOG_DESCRIPTORS free, a vm timeout aborts the whole process (Node's "Failed to initialize uv loop"
 * assertion, which nothing can catch). Opening as many first turns that into an error the call reports; they are
 * closed just before the vm needs them.
 */
function checkDescriptors(): void {
  const held: number[] = [];
  try {
    for (let i = 0; i < WATCHDOG_DESCRIPTORS; i++) held.push(openSync(devNull, "r"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EMFILE" && code !== "ENFILE") throw error;
    throw new ToolError(`matching stopped: ${errnoReason(code)}`, { cause: code });
  } finally {
    for (const fd of held) closeSync(fd);
  }
}
