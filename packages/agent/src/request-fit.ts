import type { Message, MessageParam } from "@anthropic-ai/sdk/resources/messages/messages.js";
import { plural } from "@mcp-toolkit/core";
import { ContextFull, ReplyFillsWindow } from "./errors.js";
import { type Fitted, fitHistory, fittedText, promptTooLong, tooLongText } from "./history-fit.js";
import type { LoopDeps } from "./loop.js";
import { modelRequest } from "./model-request.js";
import { fitRequestImages, MANY_IMAGES, MANY_IMAGES_SIDE, MAX_REQUEST_IMAGES } from "./request-images.js";
import { inputTokens } from "./summary.js";

/**
 * Images the API would refuse in one request become notes first (request-images.ts). A request that the API refused
 * as over the model's context is asked once more with the history shortened in place
 * (history-fit.ts), so the turns after it go on from the shorter one. ContextFull when that does not fit either;
 * ReplyFillsWindow, sending nothing more, once the API said a window that the reply's max_tokens fill on their own.
 */
export async function requestFitting(deps: LoopDeps, messages: MessageParam[]): Promise<Message> {
  const removed = fitRequestImages(messages);
  if (removed > 0) {
    deps.renderer.notice(
      `removed ${plural(removed, "image")} from the conversation that the Messages API would refuse in one request (at most ${MAX_REQUEST_IMAGES}; past ${MANY_IMAGES}, none over ${MANY_IMAGES_SIDE} px a side)`,
    );
  }
  checkRoom(deps);
  shortenAhead(deps, messages);
  try {
    return await measuredRequest(deps, messages);
  } catch (error) {
    const over = promptTooLong(error);
    if (!over) throw error;
    // The window it said: `prompt is too long: … > 200000 maximum` names it; `180000 + 32000 > 200000` does too.
    if (over.max !== undefined) deps.context?.learn(over.max + (over.reply ?? 0));
    // Shortening cannot make room beside a reply that fills the window: asked again, it would be refused again.
    checkRoom(deps);
    // Aimed under the window less max_tokens (or what the API said, if less), lest the request asked again be refused
    // for prompt + max_tokens.
    const room = deps.context?.room(deps.maxTokens);
    const max = room === undefined || over.max === undefined ? over.max : Math.min(over.max, room);
    const fitted = fitHistory(messages, { ...over, max }, carried(deps));
    if (!fitted) throw new ContextFull(tooLongText(over), false);
    useFitted(deps, messages, fitted);
    deps.renderer.notice(
      `the conversation outgrew the model's context${tooLongText(over)}: removed ${fittedText(fitted)}; asking again`,
    );
  }
  try {
    return await measuredRequest(deps, messages);
  } catch (error) {
    const still = promptTooLong(error);
    throw still ? new ContextFull(tooLongText(still)) : error;
  }
}

/** ReplyFillsWindow when the run's max_tokens leave no room in the model's context window for any prompt. */
function checkRoom(deps: LoopDeps): void {
  const window = deps.context?.filledBy(deps.maxTokens);
  if (window !== undefined) throw new ReplyFillsWindow(deps.maxTokens, window, deps.thinking);
}

/** The request, its reply's prompt size noted for the next (context-gauge.ts). */
async function measuredRequest(deps: LoopDeps, messages: MessageParam[]): Promise<Message> {
  const sent = messages.length;
  const message = await modelRequest(deps, messages);
  deps.context?.replied(inputTokens(message.usage), sent);
  return message;
}

/** Above this share of the largest prompt the window leaves (ContextGauge.room), the request is shortened first. */
export const AHEAD_SHARE = 0.9;

/**
 * When the next request would come near the largest prompt the model takes with this run's max_tokens (the context
 * window less them), shorten the history first, as a refusal would (to FIT_SHARE of it), sparing the refused request
 * and the prompt cache it would rewrite. A history with nothing to remove is sent as it is: the API's answer decides.
 */
function shortenAhead(deps: LoopDeps, messages: MessageParam[]): void {
  const room = deps.context?.room(deps.maxTokens);
  const tokens = deps.context?.estimate(messages);
  if (room === undefined || tokens === undefined || tokens <= AHEAD_SHARE * room) return;
  const fitted = fitHistory(messages, { tokens, max: room }, carried(deps));
  if (!fitted) return;
  useFitted(deps, messages, fitted);
  deps.renderer.notice(
    `the conversation is nearing the model's context (about ${tokens} tokens + ${deps.maxTokens} for the reply (--max-tokens) of ${room + deps.maxTokens}): removed ${fittedText(fitted)} before asking`,
  );
}

/**
 * After a reply cut where the conversation filled the model's context window, shorten the history in place so the
 * next turn has room; what went, for the user, or undefined when nothing could.
 */
export function makeRoom(deps: LoopDeps, messages: MessageParam[]): string | undefined {
  const fitted = fitHistory(messages, { tokens: undefined, max: undefined });
  if (!fitted) return undefined;
  useFitted(deps, messages, fitted);
  const removed = fittedText(fitted);
  deps.renderer.notice(`the conversation filled the model's context window: removed ${removed} to make room`);
  return removed;
}

/**
 * What a request carries besides its messages: the system prompt and the tool definitions, counted in the API's
 * input_tokens with them (a tool deferred behind tool search is not in the prompt). Left out of the share removed,
 * 19 tools in a 12k window had every request shortened again.
 */
export function carried(deps: Pick<LoopDeps, "system" | "catalog">): unknown {
  const tools = deps.catalog.apiTools().filter((t) => !("defer_loading" in t && t.defer_loading));
  return { system: deps.system, tools };
}

/** Put the shortened history in place of `messages`, whose last measured size (context-gauge.ts) no longer holds. */
function useFitted(deps: LoopDeps, messages: MessageParam[], fitted: Fitted): void {
  messages.splice(0, messages.length, ...fitted.messages);
  deps.context?.forget();
}
