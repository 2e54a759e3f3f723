/** Exit codes of mcp-agent. */
export const EXIT = { ok: 0, failed: 1, usage: 2, maxTurns: 3, interrupted: 130, terminated: 143 } as const;

/** An interrupted run (Ctrl-C / SIGTERM): the exit code depends on the signal. */
export class Interrupted extends Error {
  constructor(readonly code: number) {
    super("interrupted");
  }
}

/** The conversation does not fit the model's context, even after old tool output and exchanges were removed. */
export class ContextFull extends Error {
  constructor(
    readonly tokens: number,
    readonly max: number,
  ) {
    super(
      `the conversation is too long for the model's context (${tokens} tokens > ${max} maximum), even with old tool output and exchanges removed`,
    );
    this.name = "ContextFull";
  }
}
