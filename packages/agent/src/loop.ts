import type Anthropic from "@anthropic-ai/sdk";
import type {
  Message,
  MessageParam,
  ToolResultBlockParam,
  ToolUseBlock,
} from "@anthropic-ai/sdk/resources/messages/messages.js";
import type { ContextGauge } from "./context-gauge.js";
import { BudgetReached, ContextFull } from "./errors.js";
import { budgetSpent } from "./model-request.js";
import { oneLine } from "./one-line.js";
import type { Renderer } from "./render.js";
import { brokenToolInput, cutToolCall, cutWords, keptContent } from "./reply-policy.js";
import { makeRoom, requestFitting } from "./request-fit.js";
import type { RunStats } from "./summary.js";
import { traceTurn } from "./telemetry.js";
import type { ToolCatalog } from "./tool-catalog.js";
import type { ToolRunner } from "./tool-runner.js";

/** How a task ended. */
export type LoopOutcome =
  | { status: "done"; text: string }
  | { status: "max_turns"; text: string }
  /** --token-budget was reached: the run's requests have used `used` tokens. */
  | { status: "token_budget"; text: string; used: number }
  /** --max-budget-usd was reached: the run's requests have spent an estimated `spent` dollars. */
  | { status: "cost_budget"; text: string; spent: number }
  | { status: "stopped"; text: string; reason: string }
  /** The model declined: the ask that led to it should leave the history (the API says to reset the context). */
  | { status: "refused"; text: string; reason: string };

/** Everything one task needs. */
export interface LoopDeps {
  client: Anthropic;
  catalog: ToolCatalog;
  runner: ToolRunner;
  renderer: Renderer;
  stats: RunStats;
  system: string;
  model: string;
  maxTokens: number;
  maxTurns: number;
  /** Tokens the run's model requests may use in all (RunStats.tokensUsed); none is made once they are reached. */
  tokenBudget?: number | undefined;
  /** Estimated dollars the run's model requests may spend in all (list prices); none is made once they are reached. */
  costBudgetUsd?: number | undefined;
  /** Times a streamed reply that broke off (overloaded mid-reply, connection dropped) is asked for again. */
  maxRetries?: number | undefined;
  thinking: number | undefined;
  /** Stream responses; otherwise one JSON response per turn. */
  stream: boolean;
  /**
   * Show streamed text as it arrives (default). Off, each message's text is shown once it is whole: for output to a
   * file or pipe, where the first part of a reply that broke off and was asked for again could not be taken back.
   */
  live?: boolean | undefined;
  signal: AbortSignal;
  /** How long a started stream may send nothing before it counts as broken off (default STREAM_IDLE_MS). */
  streamIdleMs?: number | undefined;
  /** How full the model's context will be on the next request (request-fit.ts shortens the history ahead of it). */
  context?: ContextGauge | undefined;
  /** Runs before each model request: brings the catalog up to date with servers whose tool lists changed. */
  beforeRequest?: (() => Promise<void>) | undefined;
  /** Runs before a response's tool calls (the servers' change streams open before the first). */
  beforeTools?: (() => Promise<void>) | undefined;
}

/**
 * Run the response's tool calls. A response cut short (reply-policy.ts) may end inside a tool_use whose input is
 * incomplete (a file's content half written), and a streamed one may bring a call whose input is not whole JSON:
 * neither is run; the model is told why and can retry.
 */
async function runCalls(deps: LoopDeps, message: Message, calls: ToolUseBlock[]): Promise<ToolResultBlockParam[]> {
  const cut = cutToolCall(message);
  const broken = new Set(calls.filter((c) => c !== cut && brokenToolInput(c)));
  const runnable = calls.filter((c) => c !== cut && !broken.has(c));
  await deps.beforeTools?.();
  const ran = await deps.runner.runAll(runnable, deps.signal);
  if (!cut && broken.size === 0) return ran;
  const { where, limit } = cutWords(message.stop_reason, deps.maxTokens);
  if (cut) deps.renderer.notice(`${cut.name} not run: ${where} while writing it`);
  for (const call of broken) deps.renderer.notice(`${call.name} not run: its input did not arrive as whole JSON`);
  return calls.map(
    (c) =>
      ran[runnable.indexOf(c)] ?? {
        type: "tool_result",
        tool_use_id: c.id,
        is_error: true,
        content:
          c === cut
            ? `not run: your response hit ${limit} while writing this call, so its input may be incomplete; call it again with a smaller input (e.g. write in parts)`
            : "not run: this call's input did not arrive as whole JSON, so it may be incomplete; call it again",
      },
  );
}

/** The model declined: why, when the API said (`stop_details.explanation`). */
function refusalText(message: Message): string {
  const why = message.stop_details?.explanation;
  return `the model declined this request (stop_reason "refusal")${why ? `: ${oneLine(why, 300)}` : ""}`;
}

function finalText(message: Message): string {
  return message.content
    .filter((b) => b.type === "text")
    .map((b) => b.text)
    .join("");
}

/**
 * The tool-use loop on plain POST /v1/messages: request, run every tool_use of the response
 * concurrently, send all results back in one user message, repeat until the model stops or the
 * turn limit is reached. `messages` is extended in place, so a session can continue it.
 */
export async function runLoop(messages: MessageParam[], deps: LoopDeps): Promise<LoopOutcome> {
  let lastText = "";
  for (let turn = 0; turn < deps.maxTurns; turn++) {
    // Checked before each request: the one that crosses the budget completes (its tool calls run), none follows.
    // Before a broken stream's retry and a refused request's re-ask too (model-request.ts), as BudgetReached.
    const stop = budgetSpent(deps);
    if (stop) return { ...stop, text: lastText };
    let message: Message;
    try {
      message = await traceTurn(deps.model, deps.maxTokens, () => requestFitting(deps, messages));
    } catch (error) {
      if (error instanceof BudgetReached) return { ...error.stop, text: lastText };
      throw error;
    }
    // A turn is a reply: a request that failed (refused, unreachable, stopped) is not one.
    deps.stats.turns++;
    deps.renderer.endMessage();
    deps.stats.addUsage(message.usage);
    // An empty reply (often an end_turn right after tool results) is not kept: the API would refuse the history.
    const kept = keptContent(message.content);
    if (kept) messages.push({ role: "assistant", content: kept });
    lastText = finalText(message) || lastText;
    const calls = message.content.filter((b): b is ToolUseBlock => b.type === "tool_use");
    if (calls.length > 0) {
      messages.push({ role: "user", content: await runCalls(deps, message, calls) });
      if (message.stop_reason === "model_context_window_exceeded") makeRoom(deps, messages);
      continue;
    }
    switch (message.stop_reason) {
      case "pause_turn":
        // The API paused a long turn: sent back, the content so far lets the model go on. With none there is nothing
        // to go on from, and asking again the same way would pause the same way until --max-turns.
        if (kept) continue;
        return {
          status: "stopped",
          text: lastText,
          reason: 'the API paused the turn (stop_reason "pause_turn") before the model wrote anything; ask again',
        };
      case "end_turn":
      case "stop_sequence":
      case null:
        // Unsaid, a task answered with nothing at all would end in silence with exit 0, as if it had been answered.
        if (!kept && lastText === "")
          deps.renderer.notice(
            "the model ended its turn without writing anything (an empty reply); ask again for an answer",
          );
        return { status: "done", text: lastText };
      case "max_tokens":
        return {
          status: "stopped",
          text: lastText,
          reason: `the response was cut at --max-tokens ${deps.maxTokens}; raise it or ask for less`,
        };
      case "model_context_window_exceeded": {
        const removed = makeRoom(deps, messages);
        // Nothing left to remove: the session's ContextFull line says what to do (/clear, or split the task).
        if (removed === undefined) throw new ContextFull("", false);
        return {
          status: "stopped",
          text: lastText,
          reason: "the reply was cut off where the conversation filled the model's context window; ask again to go on",
        };
      }
      case "refusal":
        return { status: "refused", text: lastText, reason: refusalText(message) };
      default:
        return { status: "stopped", text: lastText, reason: `the model stopped: ${message.stop_reason}` };
    }
  }
  return { status: "max_turns", text: lastText };
}
