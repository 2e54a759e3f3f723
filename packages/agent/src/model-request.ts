// One request to the Messages API for the tool-use loop (loop.ts), and a streamed reply asked for again when it
// breaks off.
import { setTimeout as sleep } from "node:timers/promises";
import type {
  ContentBlockParam,
  Message,
  MessageCreateParamsNonStreaming,
  MessageParam,
} from "@anthropic-ai/sdk/resources/messages/messages.js";
import { ANSWER_WITHIN, ON_BYTES } from "./api.js";
import { brokeOffRetryably, checkMessage, TOOL_INPUT } from "./api-errors.js";
import { costSpent } from "./cost-budget.js";
import { BudgetReached, type BudgetStop } from "./errors.js";
import type { LoopDeps } from "./loop.js";
import { brokenToolInput, streamedInput } from "./reply-policy.js";
import { watchReply } from "./reply-wait.js";
import { idleWatch, STREAM_IDLE_MS, type StreamStalled } from "./stream-idle.js";
import { recordTokens } from "./telemetry.js";

type StreamOptions = NonNullable<Parameters<LoopDeps["client"]["messages"]["stream"]>[1]>;

/** Above this, the SDK refuses non-streaming requests as too slow; stream instead. */
const NON_STREAMING_MAX_TOKENS = 21_000;

/** A copy of `message` with a cache breakpoint on its last block (not on thinking, which cannot carry one). */
function withBreakpoint(message: MessageParam): MessageParam {
  const content: ContentBlockParam[] =
    typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content.slice();
  const tail = content.at(-1);
  if (tail && tail.type !== "thinking" && tail.type !== "redacted_thinking") {
    content[content.length - 1] = { ...tail, cache_control: { type: "ephemeral" } } as ContentBlockParam;
  }
  return { ...message, content } as MessageParam;
}

/**
 * Messages for one request with two cache breakpoints: on the newest message, and on the user message before it,
 * where the previous request ended and its cache was written. The API looks for a cached prefix only 20 blocks
 * back from a breakpoint, so a turn that added more (many parallel tool calls and results) would otherwise miss
 * it. With the system prompt's and the last tool's, that is the API's limit of 4.
 */
export function withCacheBreakpoint(messages: readonly MessageParam[]): MessageParam[] {
  const out = messages.slice();
  const newest = out.length - 1;
  const last = out[newest];
  if (!last) return out;
  out[newest] = withBreakpoint(last);
  const previous = out.findLastIndex((m, i) => i < newest && m.role === "user");
  const before = out[previous];
  if (before) out[previous] = withBreakpoint(before);
  return out;
}

/**
 * One model request for the loop's messages, the newest with a cache breakpoint: one JSON response, or a stream
 * (deps.stream, or a max_tokens the SDK will not wait for); its text and thinking go to the renderer, live when
 * streamed to a terminal.
 */
export async function modelRequest(deps: LoopDeps, messages: MessageParam[]): Promise<Message> {
  holdBudget(deps);
  await deps.beforeRequest?.();
  const params: MessageCreateParamsNonStreaming = {
    model: deps.model,
    max_tokens: deps.maxTokens,
    system: [{ type: "text", text: deps.system, cache_control: { type: "ephemeral" } }],
    tools: deps.catalog.apiTools(),
    messages: withCacheBreakpoint(messages),
    ...(deps.thinking ? { thinking: { type: "enabled", budget_tokens: deps.thinking } } : {}),
  };
  if (params.tools?.length === 0) delete params.tools;
  if (!deps.stream && deps.maxTokens <= NON_STREAMING_MAX_TOKENS) {
    const message = checkMessage(await deps.client.messages.create(params, { signal: deps.signal }));
    for (const block of message.content) {
      if (block.type === "thinking") deps.renderer.thinking(block.thinking);
      if (block.type === "text") deps.renderer.text(block.text);
    }
    return message;
  }
  const message = await streamRetrying(deps, params);
  if (!deps.stream || deps.live === false) {
    for (const block of message.content) {
      if (block.type === "thinking") deps.renderer.thinking(block.thinking);
      if (block.type === "text") deps.renderer.text(block.text);
    }
  }
  return message;
}

/**
 * The budget the run's requests have reached, if any: the tokens they used against --token-budget, else their
 * estimated cost against --max-budget-usd.
 */
export function budgetSpent(deps: LoopDeps): BudgetStop | undefined {
  const used = deps.stats.tokensUsed;
  if (deps.tokenBudget !== undefined && used >= deps.tokenBudget) return { status: "token_budget", used };
  const spent = costSpent(deps.model, deps.stats.usage, deps.costBudgetUsd);
  return spent === undefined ? undefined : { status: "cost_budget", spent };
}

/** No request once a budget is reached: BudgetReached, which ends the task as the loop's own check does. */
function holdBudget(deps: LoopDeps): void {
  const stop = budgetSpent(deps);
  if (stop) throw new BudgetReached(stop);
}

/** One streamed reply; one that breaks off after it started is asked for again, as the SDK does before it starts. */
async function streamRetrying(deps: LoopDeps, params: MessageCreateParamsNonStreaming): Promise<Message> {
  const retries = deps.maxRetries ?? 0;
  for (let attempt = 0; ; attempt++) {
    // The response headers must come within the watchdog's time too (ANSWER_WITHIN), each try; after them, the
    // watchdog waits for a sign of life.
    const idleMs = deps.streamIdleMs ?? STREAM_IDLE_MS;
    const idle = idleWatch(idleMs);
    // Any bytes are a sign of life, pings included (which the SDK drops before its stream events): see ON_BYTES.
    const fetchOptions = { [ON_BYTES]: idle.reset, [ANSWER_WITHIN]: idleMs } as StreamOptions["fetchOptions"];
    const stream = deps.client.messages.stream(params, {
      signal: AbortSignal.any([deps.signal, idle.signal]),
      fetchOptions,
    });
    stream.on("connect", idle.reset);
    const live = deps.stream && deps.live !== false;
    const waiting = live ? watchReply(deps.renderer) : undefined;
    if (live) {
      stream.on("text", (delta) => {
        waiting?.shown();
        deps.renderer.text(delta);
      });
      stream.on("thinking", (delta) => {
        waiting?.shown();
        deps.renderer.thinking(delta);
      });
      // The text before a call ends its line there, so the wait for the call's input can show under it.
      stream.on("streamEvent", (event) => {
        if (event.type !== "content_block_start" || event.content_block.type !== "tool_use") return;
        deps.renderer.endMessage();
        waiting?.writing(event.content_block.name);
      });
    }
    try {
      return await stream.finalMessage();
    } catch (caught) {
      // The reply as far as it came: its input was billed once it started (message_start), whatever happens next.
      const partial = stream.currentMessage;
      if (partial) {
        deps.stats.addInterrupted(partial.usage);
        // The token metric counts it too, as the summary does.
        recordTokens(deps.model, partial.usage);
      }
      // A tool call it ends in, whose input does not parse, is what failed (TOOL_INPUT).
      const last = partial?.content.at(-1);
      if (caught instanceof Error && last?.type === "tool_use" && brokenToolInput(last)) {
        (caught as { [TOOL_INPUT]?: string })[TOOL_INPUT] = streamedInput(last);
      }
      const stalled = idle.signal.aborted && !deps.signal.aborted;
      const error = stalled ? idle.signal.reason : caught;
      if (attempt >= retries || deps.signal.aborted || !(stalled || brokeOffRetryably(error))) throw error;
      // The attempt's input was billed: it may be what reaches the budget, and then it is not asked for again.
      holdBudget(deps);
      deps.stats.retries++;
      const what = stalled ? (error as StreamStalled).quiet : "broke off its reply";
      deps.renderer.notice(`the API ${what}; asking again (${attempt + 1}/${retries})`);
      await sleep(500 * 2 ** attempt, deps.signal);
    } finally {
      waiting?.stop();
      idle.stop();
    }
  }
}
