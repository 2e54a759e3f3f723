/** Exit codes of mcp-agent. */
export const EXIT = { ok: 0, failed: 1, usage: 2, maxTurns: 3, interrupted: 130, terminated: 143 } as const;

/** An interrupted run (Ctrl-C / SIGTERM): the exit code depends on the signal. */
export class Interrupted extends Error {
  constructor(readonly code: number) {
    super("interrupted");
  }
}
