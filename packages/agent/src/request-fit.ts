import type { Message, MessageParam } from "@anthropic-ai/sdk/resources/messages/messages.js";
import { plural } from "@mcp-toolkit/core";
import { ContextFull } from "./errors.js";
import { fitHistory, fittedText, promptTooLong, tooLongText } from "./history-fit.js";
import type { LoopDeps } from "./loop.js";
import { modelRequest } from "./model-request.js";
import { fitRequestImages, MANY_IMAGES, MANY_IMAGES_SIDE, MAX_REQUEST_IMAGES } from "./request-images.js";

/**
 * Images the API would refuse in one request become notes first (request-images.ts). A request that the API refused
 * as over the model's context is asked once more with the history shortened in place
 * (history-fit.ts), so the turns after it go on from the shorter one. ContextFull when that does not fit either.
 */
export async function requestFitting(deps: LoopDeps, messages: MessageParam[]): Promise<Message> {
  const removed = fitRequestImages(messages);
  if (removed > 0) {
    deps.renderer.notice(
      `removed ${plural(removed, "image")} from the conversation that the Messages API would refuse in one request (at most ${MAX_REQUEST_IMAGES}; past ${MANY_IMAGES}, none over ${MANY_IMAGES_SIDE} px a side)`,
    );
  }
  try {
    return await modelRequest(deps, messages);
  } catch (error) {
    const over = promptTooLong(error);
    if (!over) throw error;
    const fitted = fitHistory(messages, over);
    if (!fitted) throw new ContextFull(tooLongText(over), false);
    messages.splice(0, messages.length, ...fitted.messages);
    deps.renderer.notice(
      `the conversation outgrew the model's context${tooLongText(over)}: removed ${fittedText(fitted)}; asking again`,
    );
  }
  try {
    return await modelRequest(deps, messages);
  } catch (error) {
    const still = promptTooLong(error);
    throw still ? new ContextFull(tooLongText(still)) : error;
  }
}

/**
 * After a reply cut where the conversation filled the model's context window, shorten the history in place so the
 * next turn has room; what went, for the user, or undefined when nothing could.
 */
export function makeRoom(deps: LoopDeps, messages: MessageParam[]): string | undefined {
  const fitted = fitHistory(messages, { tokens: undefined, max: undefined });
  if (!fitted) return undefined;
  messages.splice(0, messages.length, ...fitted.messages);
  const removed = fittedText(fitted);
  deps.renderer.notice(`the conversation filled the model's context window: removed ${removed} to make room`);
  return removed;
}
