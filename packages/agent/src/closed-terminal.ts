import { closeSync, openSync } from "node:fs";
import { isatty } from "node:tty";

/** Point standard stream `fd` at /dev/null: closed, then reopened, as the lowest free descriptor is `fd` itself. */
function reopenOnDevNull(fd: number): void {
  closeSync(fd);
  const reopened = openSync("/dev/null", fd === 0 ? "r" : "w");
  if (reopened !== fd) closeSync(reopened);
}

/**
 * Read at start-up which standard streams are terminals; the function returned, run as the process exits, points
 * those that no longer are (the terminal closed: a window, an ssh session) at /dev/null. Node 20 restores each
 * terminal's modes last of all, and aborts with a core dump when that terminal is gone (nodejs/node#51519, fixed in
 * later Node), so a closed terminal's 129 became SIGABRT; a stream that is not the terminal it was is left alone.
 */
export function closedTerminalGuard(
  isTerminal: (fd: number) => boolean = isatty,
  reopen: (fd: number) => void = reopenOnDevNull,
): () => void {
  const terminals = [0, 1, 2].filter((fd) => isTerminal(fd));
  return () => {
    for (const fd of terminals) {
      if (isTerminal(fd)) continue;
      try {
        reopen(fd);
      } catch {
        // Exiting anyway: the restore may still fail, as it did before.
      }
    }
  };
}
