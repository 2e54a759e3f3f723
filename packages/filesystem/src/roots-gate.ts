import { setTimeout as sleep } from "node:timers/promises";

/** Longest a call waits for the client's roots before it runs on the roots the server has. */
export const ROOTS_WAIT_MS = 3000;

/**
 * Calls wait here while the client's roots are being asked for: a client sends its first call right after it has
 * initialized, before its roots answer has come, and that call would otherwise run in the server's own root (the
 * bin's ./workspace) and write where the model can never read it back. The wait is bounded: a client that declares
 * roots and does not answer gets its calls run on the roots there are, after ROOTS_WAIT_MS, with one warning.
 */
export class RootsGate {
  #pending: Promise<void> | undefined;
  #warned = false;

  constructor(
    private readonly onLate: (waitedMs: number) => void = () => {},
    private readonly waitMs = ROOTS_WAIT_MS,
  ) {}

  /** Roots are being asked for: calls wait until the returned function is called (the answer was applied, or failed). */
  begin(): () => void {
    let settle = () => {};
    const pending = new Promise<void>((resolve) => {
      settle = resolve;
    });
    this.#pending = pending;
    return () => {
      settle();
      if (this.#pending === pending) this.#pending = undefined;
    };
  }

  /** Resolves once no roots answer is awaited, or after the wait's bound. */
  async ready(): Promise<void> {
    const pending = this.#pending;
    if (pending === undefined) return;
    const timer = new AbortController();
    const late = await Promise.race([
      pending.then(() => false),
      sleep(this.waitMs, true, { signal: timer.signal }).catch(() => false),
    ]);
    timer.abort();
    if (!late) return;
    // Given up on: later calls do not wait again for the same answer (it is still applied if it comes).
    if (this.#pending === pending) this.#pending = undefined;
    if (!this.#warned) {
      this.#warned = true;
      this.onLate(this.waitMs);
    }
  }
}
