// The waiting half of a budget (memory-budget.ts holds the accounting): a call asks for an amount and waits its turn
// until it fits, or until its signal aborts, which takes it out of the line and lets the calls behind it on.
import { admitted } from "./memory-budget.js";

/** One call's share of a budget: raised (waiting while it does not fit), lowered, released. */
export interface Holding {
  /**
   * Hold `amount` in all. A rise that fits is granted at once; otherwise it waits its turn, rejecting with the signal's
   * reason if that aborts first. A fall is at once.
   */
  resize(amount: number, signal?: AbortSignal): Promise<void>;
  /** Give back all this call holds; calls waiting for room go on. Safe to call twice. */
  release(): void;
}

/** A budget shared by the calls of one server. */
export interface BudgetGate {
  readonly limit: number;
  /** The amount held now, and the calls waiting for room: for the message a call that waited too long is given. */
  state(): { held: number; waiting: number };
  hold(): Holding;
}

/** A gate for `limit`, the most all holdings together may hold. */
export function createBudgetGate(limit: number): BudgetGate {
  let held = 0;
  const line: { amount: number; grant: () => void }[] = [];
  const letIn = () => {
    const count = admitted(
      limit,
      held,
      line.map((waiter) => waiter.amount),
    );
    for (const waiter of line.splice(0, count)) {
      held += waiter.amount;
      waiter.grant();
    }
  };
  return {
    limit,
    state: () => ({ held, waiting: line.length }),
    hold() {
      let mine = 0;
      const resize = async (amount: number, signal?: AbortSignal) => {
        if (amount <= mine) {
          held -= mine - amount;
          mine = amount;
          letIn();
          return;
        }
        const more = amount - mine;
        // Nobody waits ahead and it fits: no turn to wait, so nothing for the signal to cut short.
        if (line.length === 0 && admitted(limit, held, [more]) === 1) {
          held += more;
          mine = amount;
          return;
        }
        signal?.throwIfAborted();
        await new Promise<void>((resolve, reject) => {
          const leave = () => {
            const at = line.indexOf(waiter);
            if (at >= 0) line.splice(at, 1);
            letIn(); // a large call leaving the front may let smaller ones behind it in
            reject(signal?.reason);
          };
          const waiter = {
            amount: more,
            grant: () => {
              signal?.removeEventListener("abort", leave);
              resolve();
            },
          };
          signal?.addEventListener("abort", leave, { once: true });
          line.push(waiter);
        });
        mine = amount;
      };
      return { resize, release: () => void resize(0) };
    },
  };
}
