import type { MessageParam } from "@anthropic-ai/sdk/resources/messages/messages.js";
import { describe, expect, it } from "vitest";
import { withCacheBreakpoint } from "../src/model-request.js";

const ask = (text: string): MessageParam => ({ role: "user", content: text });
const reply = (...ids: string[]): MessageParam => ({
  role: "assistant",
  content: ids.map((id) => ({ type: "tool_use" as const, id, name: "fx__echo", input: {} })),
});
const results = (...ids: string[]): MessageParam => ({
  role: "user",
  content: ids.map((id) => ({ type: "tool_result" as const, tool_use_id: id, content: "ok" })),
});
const thought: MessageParam = {
  role: "assistant",
  content: [{ type: "thinking", thinking: "hm", signature: "sig" }],
};
const many = Array.from({ length: 25 }, (_, i) => `t${i}`);

/** Where the breakpoints are: "message:block" for each block with cache_control. */
function breakpoints(messages: MessageParam[]): string[] {
  return messages.flatMap((m, i) =>
    typeof m.content === "string"
      ? []
      : m.content.flatMap((b, j) => ("cache_control" in b && b.cache_control ? [`${i}:${j}`] : [])),
  );
}

describe("withCacheBreakpoint", () => {
  it.each([
    ["no messages", [], []],
    ["the first ask", [ask("a")], ["0:0"]],
    [
      "after one tool call: the ask the previous request ended with, and the results",
      [ask("a"), reply("t1"), results("t1")],
      ["0:0", "2:0"],
    ],
    [
      "a turn of 25 calls: still the previous request's end",
      [ask("a"), reply(...many), results(...many)],
      ["0:0", "2:24"],
    ],
    [
      "the next ask in a session",
      [ask("a"), reply("t1"), results("t1"), { role: "assistant", content: "done" }, ask("b")],
      ["2:0", "4:0"],
    ],
    ["a continued pause_turn ends on the model's reply", [ask("a"), reply("t1")], ["0:0", "1:0"]],
    ["a thinking block takes none", [ask("a"), thought], ["0:0"]],
  ] as [string, MessageParam[], string[]][])("%s", (_, messages, marks) => {
    const out = withCacheBreakpoint(messages);
    expect(breakpoints(out)).toEqual(marks);
    // The history itself is left as it was.
    expect(breakpoints(messages)).toEqual([]);
  });
});
