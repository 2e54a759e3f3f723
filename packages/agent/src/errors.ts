import { UsageError } from "@mcp-toolkit/core";
import type { StartFailure } from "./pool-options.js";
import { MAX_TOKENS_DEFAULT, THINKING_REPLY_ROOM } from "./reply-tokens.js";

/** Exit codes of mcp-agent. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  /** --max-turns or --token-budget reached. */
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

/** Servers that did not start under --strict: a usage error naming them, with the --json result's `failures`. */
export class StrictStartFailed extends UsageError {
  /** For --json: each server that did not start, with its line, as a run's result lists them. */
  readonly partial: { failures: StartFailure[] };

  constructor(failures: StartFailure[]) {
    const one = failures.length === 1;
    const which = one
      ? `server "${failures[0]?.server}" did not start (said above)`
      : `${failures.length} servers did not start (${failures.map((f) => f.server).join(", ")}; each said above)`;
    const them = one ? "it" : "them";
    super(`--strict: ${which}, so the run stops: fix ${them}, or leave out --strict to run without ${them}`);
    this.partial = { failures };
  }
}

/**
 * The reason the run's AbortController is given when a signal stops it: what stopped the calls then running, for
 * their records. Named AbortError, as any abort is, for the SDKs that look.
 */
class StopSignal extends Error {
  constructor(readonly why: string) {
    super(why);
    this.name = "AbortError";
  }
}

const SIGNAL_CAUSES: Partial<Record<NodeJS.Signals, string>> = {
  SIGINT: "the agent was interrupted (SIGINT, as Ctrl-C sends)",
  SIGTERM: "the agent was told to stop (SIGTERM)",
  SIGHUP: "the agent's terminal closed (SIGHUP)",
};

/** The abort reason for a run stopped by `signal`. */
export function stoppedBy(signal: NodeJS.Signals): StopSignal {
  return new StopSignal(SIGNAL_CAUSES[signal] ?? `the agent was stopped (${signal})`);
}

/** What stopped a call, from its signal's reason: a signal to the agent, else the user (Ctrl-C on a turn). */
export function stopCause(reason: unknown): string {
  return reason instanceof StopSignal ? reason.why : "the user interrupted this call";
}

/** A run limit reached before a model request: --token-budget's tokens, or --max-budget-usd's estimated dollars. */
export type BudgetStop = { status: "token_budget"; used: number } | { status: "cost_budget"; spent: number };

/** A budget was reached before a request (a stream's retry, a refused request's re-ask): none is made. */
export class BudgetReached extends Error {
  constructor(readonly stop: BudgetStop) {
    super(
      stop.status === "token_budget"
        ? `--token-budget reached: ${stop.used} tokens used`
        : `--max-budget-usd reached: an estimated $${stop.spent.toFixed(4)} spent`,
    );
    this.name = "BudgetReached";
  }
}

/** The conversation does not fit the model's context, even after old tool output and exchanges were removed. */
export class ContextFull extends Error {
  /**
   * `size`: " (215000 tokens > 200000 maximum)" when the API said, else "". `shortened`: old tool output or exchanges
   * were removed and it still did not fit; else there were none to remove (a first ask, or one turn's own output).
   */
  constructor(size: string, shortened = true) {
    super(
      shortened
        ? `the conversation is too long for the model's context${size}, even with old tool output and exchanges removed`
        : `the conversation is too long for the model's context${size}, with no old tool output or exchange left to remove: this ask and its own turn's tool output are over it`,
    );
    this.name = "ContextFull";
  }
}

/**
 * The reply's max_tokens are as many as the model's context window holds, prompt and reply together, so no request
 * fits, however short: no shortening can help, only a lower --max-tokens (or --thinking, which raises it).
 */
export class ReplyFillsWindow extends Error {
  constructor(maxTokens: number, window: number, thinking: number | undefined) {
    const whole = `the model's whole context window (${window} tokens, as the Messages API said)`;
    const filled = maxTokens === window;
    // The reply's size comes from --thinking when it raised --max-tokens to its budget plus the reply room.
    const byThinking = thinking !== undefined && maxTokens === thinking + THINKING_REPLY_ROOM;
    const asked = byThinking
      ? `--thinking ${thinking} asks for ${maxTokens} tokens of reply (its budget + ${THINKING_REPLY_ROOM}), ${filled ? "as many as" : "more than"} ${whole}`
      : `--max-tokens ${maxTokens} ${filled ? "fills" : "is more than"} ${whole}`;
    const lower = byThinking ? "--thinking" : `--max-tokens (${MAX_TOKENS_DEFAULT} unless set)`;
    super(
      `${asked}, which holds the prompt and the reply together, so no request fits, however short: lower ${lower} to well under ${window}`,
    );
    this.name = "ReplyFillsWindow";
  }
}
