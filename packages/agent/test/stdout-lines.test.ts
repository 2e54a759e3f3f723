import { describe, expect, it } from "vitest";
import { droppedReply, LineSplitter } from "../src/stdout-lines.js";

/** Feed `chunks` to a splitter with a 10-character limit; what it emitted, in order. */
function split(chunks: string[]): string[] {
  const out: string[] = [];
  const splitter = new LineSplitter(
    10,
    (line) => out.push(`line ${line}`),
    (head) => out.push(`dropped ${head}`),
  );
  for (const chunk of chunks) splitter.push(chunk);
  return out;
}

describe("LineSplitter", () => {
  it.each([
    ["one line", ["abc\n"], ["line abc"]],
    ["a line over chunks", ["ab", "c", "d\n"], ["line abcd"]],
    ["two lines in a chunk, CRLF", ["a\r\nb\n"], ["line a", "line b"]],
    ["an unfinished line waits", ["abc"], []],
    ["a long line in one chunk", ["0123456789AB\nok\n"], ["dropped 0123456789AB", "line ok"]],
    [
      "a long line over chunks: its tail is not a line",
      ["01234", "56789", "AB", "CD\nok\n"],
      ["dropped 0123456789AB", "line ok"],
    ],
    ["a long line still arriving", ["0123456789AB", "more"], ["dropped 0123456789AB"]],
    ["a line just at the limit", ["0123456789\n"], ["line 0123456789"]],
  ])("%s", (_name, chunks, expected) => {
    expect(split(chunks)).toEqual(expected);
  });
});

describe("droppedReply", () => {
  const MiB = 10 * 1024 * 1024;
  it.each([
    ["a result", '{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"hhhh', 7],
    ["an error", '{"jsonrpc":"2.0","id":"a-1","error":{"code":1,"message":"zzz', "a-1"],
    [
      "a request from the server",
      '{"jsonrpc":"2.0","id":3,"method":"sampling/createMessage","params":{"x":"',
      undefined,
    ],
    ["a notification", '{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"', undefined],
    ["a result whose id comes last", '{"jsonrpc":"2.0","result":{"content":[{"type":"text","text":"hhhh', undefined],
  ])("%s → an error reply for %s", (_name, head, id) => {
    const reply = droppedReply(head, MiB);
    expect(reply && "id" in reply ? reply.id : undefined).toBe(id);
    if (reply) expect(JSON.stringify(reply)).toContain("over 10 MiB, more than the agent reads, and was dropped");
  });
});
