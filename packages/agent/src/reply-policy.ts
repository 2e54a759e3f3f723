import type {
  ContentBlock,
  ContentBlockParam,
  Message,
  ToolUseBlock,
} from "@anthropic-ai/sdk/resources/messages/messages.js";

/**
 * What of a model reply the loop may act on and keep. Pure. A reply can be cut short two ways — at the output limit
 * (`max_tokens`) and where the conversation filled the model's context window (`model_context_window_exceeded`) —
 * and either can end inside a tool call whose input is only half written.
 */

/** Stop reasons that cut the reply wherever it had got to. */
const CUT_STOPS: ReadonlySet<string> = new Set(["max_tokens", "model_context_window_exceeded"]);

/** The reply's last block, when it is a tool call the cut may have left incomplete; else undefined. */
export function cutToolCall(message: Pick<Message, "content" | "stop_reason">): ToolUseBlock | undefined {
  const last = message.content.at(-1);
  return message.stop_reason && CUT_STOPS.has(message.stop_reason) && last?.type === "tool_use" ? last : undefined;
}

/** Where the SDK keeps a streamed tool call's input as it arrived, beside the input it parsed from it. */
const STREAMED_INPUT = "__json_buf";

/**
 * Whether a streamed tool call's input arrived as JSON that does not parse whole. The SDK parses it leniently, as a
 * reply still arriving must be (a string cut off is closed, a half-written key dropped), so such a call would run
 * with an input the model never finished: a `write_file` with its path and half its content.
 */
export function brokenToolInput(block: ToolUseBlock): boolean {
  const raw = streamedInput(block);
  if (raw === undefined || raw === "") return false;
  try {
    JSON.parse(raw);
    return false;
  } catch {
    return true;
  }
}

/** A streamed tool call's input as it arrived, when the SDK kept it; undefined for one that came whole (JSON). */
export function streamedInput(block: ToolUseBlock): string | undefined {
  const raw = (block as { [STREAMED_INPUT]?: unknown })[STREAMED_INPUT];
  return typeof raw === "string" ? raw : undefined;
}

/** Why a call was cut, for the user (`where`) and for the model (`limit`). */
export function cutWords(stop: string | null, maxTokens: number): { where: string; limit: string } {
  return stop === "model_context_window_exceeded"
    ? { where: "the conversation filled the model's context window", limit: "the model's context window" }
    : { where: `the response hit --max-tokens ${maxTokens}`, limit: `the ${maxTokens}-token output limit` };
}

/**
 * The reply as it can go back in the history, or undefined when nothing of it can: the API refuses empty text
 * blocks, and an empty message anywhere but last ("all messages must have non-empty content"), on every later turn.
 */
export function keptContent(content: readonly ContentBlock[]): ContentBlockParam[] | undefined {
  const kept = content.filter((b) => b.type !== "text" || b.text !== "");
  return kept.length > 0 ? (kept as ContentBlockParam[]) : undefined;
}
