import type { ContentBlock, Message, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages/messages.js";
import { describe, expect, it } from "vitest";
import { brokenToolInput, cutToolCall, cutWords, keptContent } from "../src/reply-policy.js";

const say = (text: string) => ({ type: "text", text, citations: null }) as ContentBlock;
const call = (name: string) => ({ type: "tool_use", id: `toolu_${name}`, name, input: {} }) as ContentBlock;
const reply = (stop: string | null, content: ContentBlock[]) =>
  ({ stop_reason: stop, content }) as Pick<Message, "content" | "stop_reason">;

describe("cutToolCall", () => {
  it.each([
    ["max_tokens, ending in a call", reply("max_tokens", [say("a"), call("write")]), "write"],
    ["context window full, ending in a call", reply("model_context_window_exceeded", [call("a"), call("b")]), "b"],
    ["max_tokens, ending in text", reply("max_tokens", [call("write"), say("and")]), undefined],
    ["tool_use: the calls are whole", reply("tool_use", [call("write")]), undefined],
    ["end_turn", reply("end_turn", [call("write")]), undefined],
    ["no stop reason", reply(null, [call("write")]), undefined],
    ["refusal", reply("refusal", [call("write")]), undefined],
    ["context window full, no content", reply("model_context_window_exceeded", []), undefined],
  ])("%s → %s", (_, message, cut) => {
    expect(cutToolCall(message)?.name).toBe(cut);
  });
});

describe("cutWords", () => {
  it.each([
    ["max_tokens", "the response hit --max-tokens 512", "the 512-token output limit"],
    [
      "model_context_window_exceeded",
      "the conversation filled the model's context window",
      "the model's context window",
    ],
  ])("%s", (stop, where, limit) => {
    expect(cutWords(stop, 512)).toEqual({ where, limit });
  });
});

describe("keptContent", () => {
  const thinking = { type: "thinking", thinking: "", signature: "sig" } as ContentBlock;
  it.each([
    ["no blocks", [], undefined],
    ["only an empty text block", [say("")], undefined],
    ["text", [say("hi")], [say("hi")]],
    ["an empty text block beside a call", [say(""), call("x")], [call("x")]],
    ["thinking, kept as signed even when empty", [thinking, say("")], [thinking]],
  ])("%s", (_, content, kept) => {
    expect(keptContent(content)).toEqual(kept);
  });
});

describe("brokenToolInput", () => {
  /** A streamed tool call as the SDK leaves it: the input it parsed, and what arrived beside it. */
  const streamed = (raw: string | undefined): ToolUseBlock => {
    const block = {
      type: "tool_use",
      id: "t",
      name: "write_file",
      input: {},
      caller: undefined,
    } as unknown as ToolUseBlock;
    if (raw !== undefined) Object.defineProperty(block, "__json_buf", { value: raw, enumerable: false });
    return block;
  };

  it.each<[string, string | undefined, boolean]>([
    ["whole JSON", '{"path":"a.txt","content":"x"}', false],
    ["no input at all (a tool without arguments)", "", false],
    ["not streamed (a JSON reply, parsed whole by the API)", undefined, false],
    ["a string cut off", '{"path":"a.txt","content":"hal', true],
    ["a key cut off", '{"path":"a.txt","cont', true],
  ])("%s: %s", (_case, raw, broken) => {
    expect(brokenToolInput(streamed(raw))).toBe(broken);
  });
});
