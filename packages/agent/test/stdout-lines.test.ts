import { describe, expect, it } from "vitest";
import { DROPPED_TAIL, droppedReply, idInTail, LineSplitter } from "../src/stdout-lines.js";

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

describe("LineSplitter, the end of a dropped line", () => {
  /** Feed `chunks` to a splitter with a 10-character limit; the heads and tails of the lines it dropped. */
  function ends(chunks: string[]): string[] {
    const out: string[] = [];
    const splitter = new LineSplitter(
      10,
      () => {},
      (head) => out.push(`head ${head}`),
      (tail) => out.push(`tail ${tail}`),
    );
    for (const chunk of chunks) splitter.push(chunk);
    return out;
  }

  it.each([
    ["in one chunk", ["0123456789AB\n"], ["head 0123456789AB", "tail 0123456789AB"]],
    ["over chunks", ["01234", "56789", "AB", "CD\r\nok\n"], ["head 0123456789AB", "tail 0123456789ABCD"]],
    ["still arriving: no end yet", ["0123456789AB", "more"], ["head 0123456789AB"]],
  ])("%s", (_name, chunks, expected) => {
    expect(ends(chunks)).toEqual(expected);
  });

  it(`keeps only the last ${DROPPED_TAIL} characters of a long line`, () => {
    const line = `${"x".repeat(5000)}${"y".repeat(DROPPED_TAIL)}`;
    const out = ends([line.slice(0, 2000), line.slice(2000, 4999), line.slice(4999), "\n"]);
    expect(out.at(-1)).toBe(`tail ${"y".repeat(DROPPED_TAIL)}`);
  });
});

describe("idInTail", () => {
  it.each([
    ['…"text":"hhh"}]},"id":7}', 7],
    ['…}],"jsonrpc":"2.0","id":"a-1"}', "a-1"],
    ['…, "id" : 12 }  ', 12],
    ['…,"x":{"id":5}}', undefined],
    ['…"text":"ends with \\",\\"id\\":5}"}}', undefined],
    ['…"id":7,"jsonrpc":"2.0"}', undefined],
  ])("%s → %s", (tail, id) => {
    expect(idInTail(tail)).toBe(id);
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
    ["a result whose id comes last, its end not seen", '{"jsonrpc":"2.0","result":{"content":[{"text":"hh', undefined],
  ])("%s → an error reply for %s", (_name, head, id) => {
    const reply = droppedReply(head, MiB);
    expect(reply && "id" in reply ? reply.id : undefined).toBe(id);
    if (reply) expect(JSON.stringify(reply)).toContain("over 10 MiB, more than the agent reads, and was dropped");
  });
});

describe("droppedReply, with the end of the line", () => {
  const MiB = 10 * 1024 * 1024;
  it.each([
    [
      "a result whose id comes last (as this toolkit's servers write)",
      '{"result":{"content":[{"text":"hh',
      'h"}]},"jsonrpc":"2.0","id":9}',
      9,
    ],
    [
      "a request from the server, id last",
      '{"method":"sampling/createMessage","params":{"x":"',
      '"},"jsonrpc":"2.0","id":3}',
      undefined,
    ],
    ["a notification", '{"method":"notifications/message","params":{"data":"', '"}}', undefined],
  ])("%s → %s", (_name, head, tail, id) => {
    const reply = droppedReply(head, MiB, tail);
    expect(reply && "id" in reply ? reply.id : undefined).toBe(id);
  });
});
