import type {
  ContentBlockParam,
  MessageParam,
  ToolResultBlockParam,
} from "@anthropic-ai/sdk/resources/messages/messages.js";
import { plural } from "@mcp-toolkit/core";
import { estimateTokens } from "./token-estimate.js";
import { IMAGE_TOKENS } from "./tool-result.js";

/**
 * Making a conversation that outgrew the model's context fit again. Pure: the messages in, a shorter copy out.
 * Old tool output goes first (the model has read it, and can call the tool again); whole exchanges, oldest first,
 * only when that is not enough. The newest exchange is always kept, and so is the newest message's tool output,
 * which the model has not seen yet.
 */

/**
 * The API's 400 for a request over the context window: its token count and the model's maximum, when it says them;
 * or its 413 for a request over its size limit in bytes (`bytes`), which images in tool output reach first.
 */
export interface TooLong {
  tokens: number | undefined;
  max: number | undefined;
  bytes?: true;
  /** When the input fit but not with the reply's max_tokens added (a 400 that says both): that max_tokens. */
  reply?: number;
}

/** Without the API's numbers, a third of the history is removed. */
const UNSAID_SHARE = 1 / 3;

/** After fitting, the history is aimed at this share of the maximum, leaving room for the next turns. */
export const FIT_SHARE = 0.75;

/** Tool output this small is kept: removing it gains nothing and loses what the model read. */
const KEEP_BELOW_BYTES = 200;

/**
 * `prompt is too long: 215000 tokens > 200000 maximum`, as a JSON 400 or a stream's error event, or a 413
 * `request_too_large`; else undefined.
 */
export function promptTooLong(error: unknown): TooLong | undefined {
  const detail = (error as { error?: { error?: { type?: unknown; message?: unknown } } } | null)?.error?.error;
  if (detail?.type === "request_too_large") return { tokens: undefined, max: undefined, bytes: true };
  if (detail?.type !== "invalid_request_error" || typeof detail.message !== "string") return undefined;
  // `input length and \`max_tokens\` exceed context limit: 180000 + 32000 > 200000`: room is needed for the reply too.
  const withReply = /exceed context limit: (\d+) \+ (\d+) > (\d+)/.exec(detail.message);
  if (withReply) {
    const [tokens, reply, limit] = withReply.slice(1).map(Number) as [number, number, number];
    return { tokens, max: limit - reply, reply };
  }
  if (!/prompt is too long/i.test(detail.message)) return undefined;
  const numbers = /(\d+) tokens > (\d+)/.exec(detail.message);
  return numbers ? { tokens: Number(numbers[1]), max: Number(numbers[2]) } : { tokens: undefined, max: undefined };
}

/** " (215000 tokens > 200000 maximum)", or nothing when the API did not say. */
export function tooLongText(over: TooLong): string {
  if (over.bytes) return " (over the Messages API's request size limit)";
  if (over.reply !== undefined) {
    return ` (${over.tokens} tokens + ${over.reply} for the reply (--max-tokens) > ${(over.max ?? 0) + over.reply} maximum)`;
  }
  return over.tokens === undefined ? "" : ` (${over.tokens} tokens > ${over.max} maximum)`;
}

/** The marker left where a tool's output was removed. */
export function removedMarker(bytes: number): string {
  return `[output removed to fit the context: ${bytes} bytes]`;
}

/** What starts a history whose oldest exchanges were dropped, for the model. */
export const DROPPED_NOTE =
  "[earlier turns of this conversation were removed to fit the model's context window; what follows is not its start]";

/** A shorter history, and what was removed to make it. */
export interface Fitted {
  messages: MessageParam[];
  /** Tool results whose output was replaced by the marker, and the bytes they held. */
  outputs: number;
  outputBytes: number;
  /** Whole exchanges (a typed turn and everything it led to) dropped from the start. */
  exchanges: number;
}

const bytesOf = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");

/**
 * How much of the context `value` takes, in estimated tokens (token-estimate.ts): an image counts what the API
 * charges for it (IMAGE_TOKENS), not its base64, a thousand times more, whose removal would seem to free room it
 * does not; CJK text counts a token a character, not a third of its UTF-8 bytes more than ASCII.
 */
export function weightOf(value: unknown): number {
  let images = 0;
  const json = JSON.stringify(value, (_key, v: { type?: unknown; data?: unknown } | null) => {
    if (v?.type !== "base64" || typeof v.data !== "string") return v;
    images++;
    return { ...v, data: "" };
  });
  return estimateTokens(json ?? "") + images * IMAGE_TOKENS;
}

/** The bytes a tool result's output holds: its text, an image's data. */
function outputBytes(content: ToolResultBlockParam["content"]): number {
  if (content === undefined) return 0;
  if (typeof content === "string") return Buffer.byteLength(content, "utf8");
  let sum = 0;
  for (const block of content) {
    if (block.type === "text") sum += Buffer.byteLength(block.text, "utf8");
    else if (block.type === "image" && block.source.type === "base64") sum += block.source.data.length;
    else sum += bytesOf(block);
  }
  return sum;
}

const blocksOf = (m: MessageParam): ContentBlockParam[] => (typeof m.content === "string" ? [] : m.content);

/** A user message that starts an exchange: it says something besides answering tool calls. */
function startsExchange(m: MessageParam): boolean {
  return m.role === "user" && (typeof m.content === "string" || m.content.some((b) => b.type !== "tool_result"));
}

/**
 * A copy of `messages` that should fit: about `(tokens - FIT_SHARE * max) / tokens` of the request's weight removed
 * (a third when the API gave no numbers), old tool output first, then the oldest exchanges. Undefined when nothing
 * can be. `carried` is what the request holds besides the messages (system prompt, tool definitions): the API's
 * `tokens` count it, so their share is of it and the messages together, all taken from the messages. Over the
 * size limit in bytes (a 413), a third of the bytes go, an image's base64 counted whole: weighed in tokens, old text
 * output would go first and free almost none of the bytes that images hold.
 */
export function fitHistory(messages: readonly MessageParam[], over: TooLong, carried?: unknown): Fitted | undefined {
  const measure = over.bytes ? bytesOf : weightOf;
  const { tokens, max } = over;
  const said = tokens !== undefined && max !== undefined;
  const share = said ? Math.min(1, Math.max(0, (tokens - FIT_SHARE * max) / tokens)) : UNSAID_SHARE;
  const total = measure(messages) + (said && carried !== undefined ? measure(carried) : 0);
  const target = Math.ceil(total * share);
  let removed = 0;
  let outputs = 0;
  let removedOutput = 0;
  const out = messages.map((m, i) => {
    if (removed >= target || i === messages.length - 1 || m.role !== "user" || typeof m.content === "string") return m;
    const content = m.content.map((block) => {
      if (removed >= target || block.type !== "tool_result") return block;
      const bytes = outputBytes(block.content);
      // A marker left by an earlier fit is under KEEP_BELOW_BYTES too.
      if (bytes < KEEP_BELOW_BYTES) return block;
      const marker = removedMarker(bytes);
      removed += measure(block.content) - measure(marker);
      outputs++;
      removedOutput += bytes;
      return { ...block, content: marker };
    });
    return { ...m, content };
  });
  const lastStart = out.findLastIndex(startsExchange);
  let cut = 0;
  for (let i = 1; i <= lastStart && removed < target; i++) {
    const m = out[i] as MessageParam;
    if (!startsExchange(m)) continue;
    removed += measure(out.slice(cut, i));
    cut = i;
  }
  const kept = out.slice(cut);
  const first = kept[0];
  // A turn typed after a turn limit shares its message with the tool results that close the turn before it: those
  // results would now answer calls that are gone. The model is told turns went before it, lest it take this one for
  // the conversation's start (and answer "what did I ask first?" with it).
  if (cut > 0 && first) {
    const asked =
      typeof first.content === "string" ? [{ type: "text" as const, text: first.content }] : blocksOf(first);
    const content = [{ type: "text" as const, text: DROPPED_NOTE }, ...asked.filter((b) => b.type !== "tool_result")];
    kept[0] = { ...first, content } as MessageParam;
  }
  const exchanges = out.slice(0, cut).filter(startsExchange).length;
  if (outputs === 0 && exchanges === 0) return undefined;
  return { messages: kept, outputs, outputBytes: removedOutput, exchanges };
}

/** What fitting removed, for the user: "the output of 3 earlier tool calls (1.2 MB) and the 2 oldest exchanges". */
export function fittedText(fitted: Fitted): string {
  const parts: string[] = [];
  if (fitted.outputs > 0) {
    parts.push(`the output of ${plural(fitted.outputs, "earlier tool call")} (${sizeText(fitted.outputBytes)})`);
  }
  if (fitted.exchanges > 0) {
    parts.push(fitted.exchanges === 1 ? "the oldest exchange" : `the ${fitted.exchanges} oldest exchanges`);
  }
  return parts.join(" and ");
}

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
