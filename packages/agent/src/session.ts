import type { ContentBlockParam, MessageParam } from "@anthropic-ai/sdk/resources/messages/messages.js";
import { errorLine, refusedAsSent } from "./api-errors.js";
import type { TurnBlock } from "./attach.js";
import { costReason } from "./cost-budget.js";
import { ContextFull, EXIT, Interrupted, ReplyFillsWindow } from "./errors.js";
import { type LoopDeps, runLoop } from "./loop.js";
import { cachedTokens, n } from "./summary.js";

/** A conversation over one set of servers: a single task, or many typed lines sharing the history. */
export class Session {
  readonly messages: MessageParam[] = [];
  /** The model's last text. */
  result = "";
  /** Why the last task did not finish, in one line. */
  reason: string | undefined;
  /** The limit that ended the last task (exit 3), for --json's `stop`; undefined when none did. */
  stop: "max_turns" | "token_budget" | "cost_budget" | undefined;

  constructor(
    private readonly deps: LoopDeps,
    private readonly verbose: boolean,
    /** Typed turns, where /clear is there to start again; otherwise one task. */
    private readonly interactive = false,
  ) {}

  /** Start a fresh conversation (/clear): the model no longer sees the turns before. */
  clear(): void {
    this.messages.length = 0;
    this.deps.context?.forget();
    this.result = "";
    this.reason = undefined;
    this.stop = undefined;
  }

  /**
   * Run one user turn (text, or text and attached resources) to completion; returns its exit code. `turnSignal`
   * (Ctrl-C at the REPL) stops this turn only: the history is kept, and the next turn goes on from it. Throws only
   * Interrupted, when the run's own signal is aborted.
   */
  async ask(task: string | TurnBlock[], turnSignal?: AbortSignal): Promise<number> {
    this.reason = undefined;
    this.stop = undefined;
    // A refused ask leaves the history as it was before it (below): the API's advice, lest later turns be refused too.
    const before = this.messages.slice();
    const last = this.messages.at(-1);
    const lastContent = last && (typeof last.content === "string" ? last.content : last.content.slice());
    try {
      const asked: ContentBlockParam[] = typeof task === "string" ? [{ type: "text", text: task }] : task;
      // The history can end with a user message: tool results after a turn limit, or an ask the model answered with
      // nothing (an empty reply is not kept). The text joins that message, for the roles to alternate.
      if (last?.role === "user")
        last.content = [
          ...(typeof last.content === "string" ? [{ type: "text" as const, text: last.content }] : last.content),
          ...asked,
        ];
      else this.messages.push({ role: "user", content: task });
      const outcome = await runLoop(this.messages, turnSignal ? { ...this.deps, signal: turnSignal } : this.deps);
      this.result = outcome.text;
      if (outcome.status === "done") return EXIT.ok;
      if (outcome.status === "refused") this.restore(before, last, lastContent);
      const limit =
        outcome.status === "max_turns" || outcome.status === "token_budget" || outcome.status === "cost_budget";
      if (limit) this.stop = outcome.status;
      this.reason =
        outcome.status === "max_turns"
          ? `stopped: reached --max-turns ${this.deps.maxTurns} before the task was done; raise --max-turns or split the task`
          : outcome.status === "token_budget"
            ? budgetReason(
                outcome.used,
                cachedTokens(this.deps.stats.usage),
                this.deps.tokenBudget ?? 0,
                this.interactive,
              )
            : outcome.status === "cost_budget"
              ? costReason(outcome.spent, this.deps.costBudgetUsd ?? 0, this.interactive)
              : outcome.status === "refused"
                ? `${outcome.reason}; ${this.interactive ? "this ask and its reply were taken out of the conversation: rephrase it, or ask something else" : "rephrase the task"}`
                : outcome.reason;
      this.deps.renderer.notice(this.reason);
      return limit ? EXIT.maxTurns : EXIT.failed;
    } catch (error) {
      if (this.deps.signal.aborted) throw new Interrupted(EXIT.interrupted);
      if (turnSignal?.aborted) {
        closeInterruptedTurn(this.messages);
        this.reason = "interrupted: this turn stopped; type the next one (/exit or Ctrl-D quits)";
        this.deps.renderer.notice(this.reason);
        return EXIT.interrupted;
      }
      // Kept, an ask that does not fit (or that the API refused as sent) would go again with every later line, and
      // fail the same way.
      const fills = error instanceof ReplyFillsWindow;
      const takenOut = this.interactive && (fills || error instanceof ContextFull || refusedAsSent(error));
      if (takenOut) this.restore(before, last, lastContent);
      // The run's settings are at fault, not the ask: every later one would stop the same way.
      if (fills) {
        this.reason = `${error.message}${this.interactive ? "; every ask in this session stops the same way: start a new one with it lowered" : ""}`;
        this.deps.renderer.notice(this.reason);
        return EXIT.usage;
      }
      this.reason =
        error instanceof ContextFull
          ? `${error.message}; ${this.interactive ? `${TAKEN_OUT}: ask with less (a shorter paste, fewer @attachments), or ${CLEAR}` : "split the task into smaller ones, or lower --output-budget"}`
          : `${errorLine(error, this.verbose)}${takenOut ? `; ${TAKEN_OUT}, so the next line is not sent with it` : ""}`;
      this.deps.renderer.notice(this.reason);
      return EXIT.failed;
    }
  }

  /** The history as it was before an ask: `before` its messages, `lastContent` what the last of them held then. */
  private restore(
    before: MessageParam[],
    last: MessageParam | undefined,
    lastContent: MessageParam["content"] | undefined,
  ) {
    this.messages.splice(0, this.messages.length, ...before);
    this.deps.context?.forget();
    if (last && lastContent !== undefined) last.content = lastContent;
  }
}

/** Why a task stopped at --token-budget, and what to do: the budget is the run's, so a later ask stops the same way. */
function budgetReason(used: number, cached: number, budget: number, interactive: boolean): string {
  // Cached tokens are billed at a fraction (reads) or a little more (writes), yet each counts here as one: say so, as
  // a long session re-reading its cached prompt reaches the budget well before its cost would suggest.
  const whole =
    cached > 0 ? ` (${n(cached)} of them cached, each counted in full; --max-budget-usd weighs them as billed)` : "";
  return `stopped: the run's model requests have used ${n(used)} tokens${whole}, reaching --token-budget ${n(budget)}; ${interactive ? "start a new session with a larger --token-budget to go on (every later ask here stops the same way)" : "raise --token-budget or split the task"}`;
}

const TAKEN_OUT = "this ask was taken out of the conversation";
const CLEAR = "/clear starts a fresh conversation (the servers stay up)";
const INTERRUPTED = "[the user interrupted this turn]";

/**
 * Leave the history of a turn the user stopped valid for the next request: a response's tool calls each get an
 * error result (the API refuses a tool_use without one), and a question the model had not answered says so.
 */
export function closeInterruptedTurn(messages: MessageParam[]): void {
  const last = messages.at(-1);
  if (last?.role === "assistant" && Array.isArray(last.content)) {
    const calls = last.content.filter((b) => b.type === "tool_use");
    if (calls.length === 0) return;
    messages.push({
      role: "user",
      content: calls.map((c) => ({
        type: "tool_result" as const,
        tool_use_id: c.id,
        is_error: true,
        content: `${INTERRUPTED}: this call was stopped, or its result was not kept`,
      })),
    });
  } else if (last?.role === "user") {
    const content = typeof last.content === "string" ? [{ type: "text" as const, text: last.content }] : last.content;
    content.push({ type: "text", text: INTERRUPTED });
    last.content = content;
  }
}
