/** Exit codes of mcp-agent. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  maxTurns: 3,
  hangup: 129,
  interrupted: 130,
  terminated: 143,
} as const;

/** An interrupted run (Ctrl-C, SIGTERM, its terminal closed): the exit code depends on the signal. */
export class Interrupted extends Error {
  /** For --json: what the run had done when it was stopped (its result, transcript, summary and failures). */
  partial?: Record<string, unknown>;

  constructor(readonly code: number) {
    super("interrupted");
    // What a span's error.type says: the class's own name is mangled in the minified bin.
    this.name = "Interrupted";
  }
}

/** The conversation does not fit the model's context, even after old tool output and exchanges were removed. */
export class ContextFull extends Error {
  /** `size`: " (215000 tokens > 200000 maximum)" when the API said, else "". */
  constructor(size: string) {
    super(
      `the conversation is too long for the model's context${size}, even with old tool output and exchanges removed`,
    );
    this.name = "ContextFull";
  }
}
