import { randomBytes } from "node:crypto";
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** Longest a lock is waited for; then the work goes on without it, as it did before there was a lock. */
export const LOCK_WAIT_MS = 30_000;
/** How often a held lock is looked at again. */
const POLL_MS = 20;
/** A lock file that names no holder this long after it was made was cut off mid-write (a crash): it is taken over. */
const UNNAMED_STALE_MS = 5_000;

/** Whether a process with this id is running (signal 0 only asks). EPERM: it runs, as another user. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The holder a lock file names (`<pid> <nonce>`), or undefined for one unreadable or half-written. */
function holderOf(file: string): { pid: number; nonce: string } | undefined {
  try {
    const [pid, nonce] = readFileSync(file, "utf8").trim().split(" ");
    return Number.isInteger(Number(pid)) && nonce ? { pid: Number(pid), nonce } : undefined;
  } catch {
    return undefined;
  }
}

/** How long ago the lock file was made, in ms; 0 when it is gone. */
function unnamedFor(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Run `work` while holding the lock file `file`: made exclusively (O_EXCL), it names this process and a nonce, and is
 * removed after. Another holder, in this process or another, is waited for; a lock whose process has exited (a crash,
 * kill -9) is taken over. After `waitMs` the work runs without the lock, and `onTimeout` is told.
 */
export async function withFileLock<T>(
  file: string,
  work: () => Promise<T>,
  { waitMs = LOCK_WAIT_MS, onTimeout }: { waitMs?: number; onTimeout?: () => void } = {},
): Promise<T> {
  const nonce = randomBytes(8).toString("hex");
  const deadline = performance.now() + waitMs;
  let held = false;
  while (!held) {
    try {
      writeFileSync(file, `${process.pid} ${nonce}\n`, { flag: "wx", mode: 0o600 });
      held = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = holderOf(file);
      if (holder && !running(holder.pid)) {
        // Left by a process that is gone: remove it unless another waiter has just replaced it.
        if (holderOf(file)?.nonce === holder.nonce) rmSync(file, { force: true });
        continue;
      }
      if (!holder && unnamedFor(file) > UNNAMED_STALE_MS) {
        rmSync(file, { force: true });
        continue;
      }
      if (performance.now() >= deadline) {
        onTimeout?.();
        break;
      }
      await sleep(POLL_MS);
    }
  }
  try {
    return await work();
  } finally {
    if (held && holderOf(file)?.nonce === nonce) rmSync(file, { force: true });
  }
}
