import { defineTool, ok, serveHttp, serverFactory, toolSet } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  cappedResponse,
  eventSplitter,
  idInHead,
  MAX_MESSAGE_BYTES,
  overCapReply,
  overCapText,
  postedRequestId,
} from "../src/message-cap.js";
import { ServerPool } from "../src/servers.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

/** The events a splitter with cap `max` hands on over `chunks` pushed in turn, and whether one went over. */
function split(chunks: string[], max = 100): { events: string[]; over: boolean; head?: string } {
  const splitter = eventSplitter(max);
  const events: string[] = [];
  for (const chunk of chunks) {
    const pushed = splitter.push(bytes(chunk));
    events.push(...pushed.events.map(text));
    if (pushed.over) return { events, over: true, head: pushed.overHead };
  }
  return { events, over: false };
}

describe("eventSplitter", () => {
  it.each<[string, string[], string[]]>([
    ["one event", ["data: abc\n\n"], ["data: abc\n\n"]],
    ["two events, LF", ["data: a\n\ndata: b\n\n"], ["data: a\n\n", "data: b\n\n"]],
    // An event ending CRLF goes with its last LF: a reader that sees a CR last waits for more bytes.
    ["two events, CRLF", ["data: a\r\n\r\ndata: b\r\n\r\n"], ["data: a\r\n\r\n", "data: b\r\n\r\n"]],
    [
      "an event ending CRLF, its LF in the next chunk",
      ["data: a\r\n\r", "\ndata: b\n\n"],
      ["data: a\r\n\r", "\ndata: b\n\n"],
    ],
    ["two events, CR", ["data: a\r\rdata: b\r\r"], ["data: a\r\r", "data: b\r\r"]],
    ["an event of two lines is one", ["event: x\ndata: abc\n\n"], ["event: x\ndata: abc\n\n"]],
    ["an event over chunks is handed on whole", ["data: ", "abc", "def\n", "\n"], ["data: abcdef\n\n"]],
    ["a CRLF split across chunks is one line end", ["data: a\r", "\n", "\r\n"], ["data: a\r\n\r\n"]],
    ["an unended event is held back", ["data: a\n\ndata: b"], ["data: a\n\n"]],
  ])("%s", (_case, chunks, events) => {
    expect(split(chunks)).toEqual({ events, over: false });
  });

  it("counts an event's bytes, line ends aside, against the cap; events before it are handed on", () => {
    expect(split([`data: ${"x".repeat(94)}\n\n`]).over).toBe(false);
    expect(split(["data: a\n\n", `data: ${"x".repeat(60)}\n`, `data: ${"x".repeat(40)}`])).toEqual({
      events: ["data: a\n\n"],
      over: true,
      head: `data: ${"x".repeat(60)}\ndata: ${"x".repeat(28)}`,
    });
  });
});

describe("the call a dropped reply was for", () => {
  it.each<[string, RequestInit | undefined, string | number | undefined]>([
    ["a POSTed request", { method: "POST", body: '{"jsonrpc":"2.0","id":7,"method":"tools/call"}' }, 7],
    ["with a string id", { method: "POST", body: '{"jsonrpc":"2.0","id":"a","method":"tools/call"}' }, "a"],
    ["a POSTed notification", { method: "POST", body: '{"jsonrpc":"2.0","method":"notifications/x"}' }, undefined],
    ["a POSTed answer", { method: "POST", body: '{"jsonrpc":"2.0","id":3,"result":{}}' }, undefined],
    ["a GET", { method: "GET" }, undefined],
    ["no init", undefined, undefined],
  ])("%s", (_case, init, id) => {
    expect(postedRequestId(init)).toBe(id);
  });

  it.each<[string, string | number | undefined]>([
    ['data: {"jsonrpc":"2.0","id":12,"result":{"content":[', 12],
    ['data: {"result":{"content":[{"type":"text","text":"xx', undefined],
    ['data: {"jsonrpc":"2.0","id":4,"method":"sampling/createMessage","params":{', undefined],
    // An id after the result (as SDK v1 writes replies) may be one inside it: no call is named.
    ['data: {"jsonrpc":"2.0","result":{"id":3,"content":[', undefined],
    ['data: {"result":{"content":[]},"jsonrpc":"2.0","id":9}', undefined],
  ])("in the head %s: %s", (head, id) => {
    expect(idInHead(head)).toBe(id);
  });
});

/** What reading a capped body gives: its text, or the error it failed with. */
async function read(response: Response): Promise<string> {
  return response.text().then(
    (body) => `text ${body.includes("error") ? body : body.length}`,
    (error: Error) => `error ${error.message}`,
  );
}

const body = (type: string, content: string) => new Response(content, { headers: { "content-type": type } });
const overCapEvent = (id: number) => `event: message\ndata: ${JSON.stringify(overCapReply(id, 100))}\n\n`;

describe("cappedResponse", () => {
  it.each<[string, Response, number | undefined, string]>([
    ["a JSON answer up to the cap", body("application/json", "x".repeat(100)), 1, "text 100"],
    ["a JSON answer over it", body("application/json", "x".repeat(101)), 1, `error ${overCapText(100)}`],
    ["events each under it", body("text/event-stream", `data: ${"x".repeat(90)}\n\n`.repeat(5)), 1, "text 490"],
    [
      "an event over it, for a POSTed call",
      body("text/event-stream", `data: a\n\ndata: ${"x".repeat(95)}\n\n`),
      9,
      `text data: a\n\n${overCapEvent(9)}`,
    ],
    [
      "an event over it that names its call",
      body("text/event-stream", `data: {"jsonrpc":"2.0","id":5,"result":"${"x".repeat(95)}"}\n\n`),
      undefined,
      `text ${overCapEvent(5)}`,
    ],
    [
      "an event over it, for no call",
      body("text/event-stream", `data: ${"x".repeat(95)}\n\n`),
      undefined,
      `error ${overCapText(100)}`,
    ],
    ["another body (an error page) is left alone", body("text/html", "x".repeat(500)), 1, "text 500"],
  ])("%s", async (_case, response, id, expected) => {
    expect(await read(cappedResponse(response, id, 100))).toBe(expected);
  });

  it("keeps the status and headers", () => {
    const headers = { "content-type": "application/json", "mcp-session-id": "s1" };
    const capped = cappedResponse(new Response("{}", { status: 201, headers }), 1, 100);
    expect([capped.status, capped.headers.get("mcp-session-id")]).toEqual([201, "s1"]);
  });

  it("says the cap in MiB, and what to do", () => {
    expect(overCapText(MAX_MESSAGE_BYTES)).toBe(
      "the server's reply was over 10 MiB, more than the agent reads, and was dropped; ask for less (a smaller range, a LIMIT, a page)",
    );
  });
});

describe("a remote Streamable HTTP server's answers, through the agent's pool", () => {
  const bigTool = defineTool({
    name: "big",
    title: "Big",
    description: "Return n bytes of text; with progress, after 1.1 s, answering on an event stream.",
    inputSchema: { n: z.number().describe("Bytes.") },
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: async ({ n }, call) => {
      await call.progress.during(new Promise((resolve) => setTimeout(resolve, 1100)), (s) => `${s} s`);
      return ok("x".repeat(n));
    },
  });

  it.each([
    ["a JSON answer", false],
    ["an event stream (the call asked for progress)", true],
  ])(
    "takes %s under 10 MiB, fails a call whose answer is over, saying so, and the next call works",
    async (_case, progress) => {
      const endpoint = await serveHttp(
        serverFactory({ info: { name: "remote", version: "1.0.0" }, tools: toolSet([bigTool]) }),
        { host: "127.0.0.1", port: 0, token: "t" },
      );
      const pool = new ServerPool({ startupTimeoutMs: 10_000, env: {} });
      const headers = { Authorization: "Bearer t" };
      try {
        const spec = {
          kind: "http" as const,
          name: "remote",
          url: endpoint.url.href,
          headers,
          builtin: false as const,
        };
        expect(await pool.start([spec])).toEqual([]);
        const updates: unknown[] = [];
        const options = { timeoutMs: 20_000, ...(progress ? { onProgress: (p: unknown) => updates.push(p) } : {}) };
        const length = (n: number) =>
          pool.call("remote", "big", { n }, options).then((r) => (r.content as { text: string }[])[0]?.text.length);
        expect(await length(MAX_MESSAGE_BYTES - 1000)).toBe(MAX_MESSAGE_BYTES - 1000);
        const started = performance.now();
        await expect(length(MAX_MESSAGE_BYTES)).rejects.toThrow(overCapText(MAX_MESSAGE_BYTES));
        // At once, not at the call's time limit.
        expect(performance.now() - started).toBeLessThan(15_000);
        expect(await length(3)).toBe(3);
        expect(updates.length > 0).toBe(progress);
      } finally {
        await pool.close();
        await endpoint.close();
      }
    },
  );
});
