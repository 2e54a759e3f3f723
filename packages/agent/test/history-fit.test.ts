import type { MessageParam } from "@anthropic-ai/sdk/resources/messages/messages.js";
import { afterEach, describe, expect, it } from "vitest";
import {
  DROPPED_NOTE,
  FIT_SHARE,
  fitHistory,
  fittedText,
  promptTooLong,
  removedMarker,
  tooLongText,
  weightOf,
} from "../src/history-fit.js";
import { calls, done, type FakeApi, type Reply, startFakeApi, use } from "./fixtures/fake-api.js";
import { fixtureWorkspace, runAgent } from "./fixtures/harness.js";

const tooLong = (message: string) => ({
  status: 400,
  error: { type: "error", error: { type: "invalid_request_error", message } },
});

describe("promptTooLong", () => {
  it.each<[string, unknown, unknown]>([
    ["the API's 400", tooLong("prompt is too long: 215000 tokens > 200000 maximum"), { tokens: 215000, max: 200000 }],
    ["without numbers", tooLong("Prompt is too long"), { tokens: undefined, max: undefined }],
    [
      "the API's 413 for a request over its size in bytes",
      {
        status: 413,
        error: { type: "error", error: { type: "request_too_large", message: "Request exceeds the maximum size" } },
      },
      { tokens: undefined, max: undefined, bytes: true },
    ],
    [
      "the API's 400 for input and max_tokens together over the context",
      tooLong(
        "input length and `max_tokens` exceed context limit: 180000 + 32000 > 200000, decrease input length or `max_tokens` and try again",
      ),
      { tokens: 180000, max: 168000, reply: 32000 },
    ],
    ["another invalid request", tooLong("messages: roles must alternate"), undefined],
    [
      "an overloaded error",
      { error: { error: { type: "overloaded_error", message: "prompt is too long" } } },
      undefined,
    ],
    ["no API error at all", new Error("prompt is too long: 5 tokens > 4 maximum"), undefined],
    ["null", null, undefined],
  ])("%s", (_, error, expected) => {
    expect(promptTooLong(error)).toEqual(expected);
  });
});

const user = (text: string): MessageParam => ({ role: "user", content: text });
const asks = (id: string): MessageParam => ({
  role: "assistant",
  content: [{ type: "tool_use", id, name: "fx__big", input: {} }],
});
const answers = (id: string, bytes: number): MessageParam => ({
  role: "user",
  content: [{ type: "tool_result", tool_use_id: id, content: [{ type: "text", text: "y".repeat(bytes) }] }],
});
const says = (text: string): MessageParam => ({ role: "assistant", content: [{ type: "text", text }] });

/** Each tool_use has its tool_result in the next message, and each tool_result answers one in the message before. */
function pairedValidly(messages: MessageParam[]): boolean {
  return messages.every((m, i) => {
    if (typeof m.content === "string") return true;
    const ids = (blocks: MessageParam | undefined, type: string) =>
      typeof blocks?.content === "string"
        ? []
        : (blocks?.content ?? []).flatMap((b) =>
            b.type === type
              ? [(b as { id?: string; tool_use_id?: string }).id ?? (b as { tool_use_id: string }).tool_use_id]
              : [],
          );
    if (m.role === "assistant") {
      const next = messages[i + 1];
      return next === undefined || ids(m, "tool_use").every((id) => ids(next, "tool_result").includes(id));
    }
    return ids(m, "tool_result").every((id) => ids(messages[i - 1], "tool_use").includes(id));
  });
}

const outputOf = (m: MessageParam | undefined) => (m?.content as { content: unknown }[] | undefined)?.[0]?.content;

describe("fitHistory", () => {
  // Two exchanges, each with a 10 KB tool output, and a third just typed.
  const history = (): MessageParam[] => [
    user("first"),
    asks("a"),
    answers("a", 10_000),
    says("done one"),
    user("second"),
    asks("b"),
    answers("b", 10_000),
    says("done two"),
    user("third"),
  ];

  it("removes the oldest tool output first, keeping pairs valid, and leaves the rest as it was", () => {
    const before = history();
    const copy = structuredClone(before);
    const fitted = fitHistory(before, { tokens: 210, max: 200 });
    expect(fitted).toMatchObject({ outputs: 1, outputBytes: 10_000, exchanges: 0 });
    expect(outputOf(fitted?.messages[2])).toBe(removedMarker(10_000));
    expect(outputOf(fitted?.messages[6])).toEqual([{ type: "text", text: "y".repeat(10_000) }]);
    expect(pairedValidly(fitted?.messages ?? [])).toBe(true);
    expect(before).toEqual(copy);
    expect(fittedText(fitted as never)).toBe("the output of 1 earlier tool call (9.8 KB)");
  });

  it("takes the share from the whole request the API counted, system prompt and tools included, so one fit lands under the mark", () => {
    // Six exchanges of 2 KB output, under tool definitions (what 19 tools carry) weighing more than they do.
    const messages: MessageParam[] = [];
    for (const id of ["a", "b", "c", "d", "e", "f"]) messages.push(user(id), asks(id), answers(id, 2000), says(id));
    messages.push(user("next"));
    const carried = { system: "You are an agent.", tools: [{ name: "fx__big", description: "t".repeat(20_000) }] };
    const tokens = weightOf(messages) + weightOf(carried);
    const max = Math.floor((tokens - 1500) / FIT_SHARE);
    const fitted = fitHistory(messages, { tokens, max }, carried);
    expect(weightOf(fitted?.messages) + weightOf(carried)).toBeLessThanOrEqual(FIT_SHARE * max);
    // Its share of the messages alone would leave the request over the mark, to be shortened again next turn.
    const alone = fitHistory(messages, { tokens, max });
    expect(weightOf(alone?.messages) + weightOf(carried)).toBeGreaterThan(FIT_SHARE * max);
  });

  it("removes about a third when the API did not say how long the prompt was", () => {
    const fitted = fitHistory(history(), { tokens: undefined, max: undefined });
    expect(fitted).toMatchObject({ outputs: 1, exchanges: 0 });
    expect(outputOf(fitted?.messages[6])).toEqual([{ type: "text", text: "y".repeat(10_000) }]);
    expect(tooLongText({ tokens: undefined, max: undefined })).toBe("");
    expect(tooLongText({ tokens: 215000, max: 200000 })).toBe(" (215000 tokens > 200000 maximum)");
  });

  it("removes all old tool output and then the oldest exchanges when more must go", () => {
    const fitted = fitHistory(history(), { tokens: 100_000, max: 200 });
    expect(fitted).toMatchObject({ outputs: 2, exchanges: 2 });
    expect(fitted?.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: DROPPED_NOTE },
          { type: "text", text: "third" },
        ],
      },
    ]);
    expect(fittedText(fitted as never)).toBe("the output of 2 earlier tool calls (19.5 KB) and the 2 oldest exchanges");
  });

  it("keeps the newest message's tool output, which the model has not read yet", () => {
    const messages = [user("task"), asks("a"), answers("a", 10_000), asks("b"), answers("b", 10_000)];
    const fitted = fitHistory(messages, { tokens: 1000, max: 200 });
    expect(fitted).toMatchObject({ outputs: 1, exchanges: 0 });
    expect(outputOf(fitted?.messages[2])).toBe(removedMarker(10_000));
    expect(outputOf(fitted?.messages[4])).toEqual([{ type: "text", text: "y".repeat(10_000) }]);
  });

  it("drops the tool results that shared a message with a turn typed after a turn limit, when the turn before goes", () => {
    const mixed: MessageParam = {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "a", content: "small" },
        { type: "text", text: "go on" },
      ],
    };
    const fitted = fitHistory([user("x".repeat(5000)), asks("a"), mixed], { tokens: 1000, max: 200 });
    expect(fitted?.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: DROPPED_NOTE },
          { type: "text", text: "go on" },
        ],
      },
    ]);
    expect(fitted?.exchanges).toBe(1);
  });

  it("counts CJK output as the tokens it costs, a token a character, not by its UTF-8 bytes", () => {
    // 10,000 CJK characters (30 KB, about 10,000 tokens), then 40,000 ASCII ones (about 10,000 tokens): 9,500 of the
    // 20,000 tokens must go, and the CJK output alone frees that. Counted in bytes it seemed 43% and both went.
    const cjk: MessageParam = {
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "a", content: [{ type: "text", text: "漢".repeat(10_000) }] }],
    };
    const messages = [user("first"), asks("a"), cjk, says("done one"), user("second"), asks("b"), answers("b", 40_000)];
    const fitted = fitHistory([...messages, says("done two"), user("third")], { tokens: 20_000, max: 14_000 });
    expect(fitted).toMatchObject({ outputs: 1, outputBytes: 30_000, exchanges: 0 });
    expect(outputOf(fitted?.messages[6])).toEqual([{ type: "text", text: "y".repeat(40_000) }]);
  });

  it("counts an image as the tokens it costs, not its base64, so removing one does not seem to free more", () => {
    const image = {
      type: "image" as const,
      source: { type: "base64" as const, media_type: "image/png" as const, data: "A".repeat(1_000_000) },
    };
    const messages: MessageParam[] = [
      user("first"),
      asks("a"),
      { role: "user", content: [{ type: "tool_result", tool_use_id: "a", content: [image] }] },
      says("done one"),
      user("second"),
      asks("b"),
      answers("b", 40_000),
      says("done two"),
      user("third"),
    ];
    const fitted = fitHistory(messages, { tokens: 215_000, max: 200_000 });
    expect(fitted).toMatchObject({ outputs: 2, exchanges: 0 });
    expect(outputOf(fitted?.messages[6])).toBe(removedMarker(40_000));
  });

  it("over the size limit in bytes (413), removes the images whose base64 holds them, not only older text", () => {
    // 10 text outputs of 60 KB, then 7 images of 5 MB as base64: 37 MB. Weighed in tokens, a third of the history
    // was 4 text outputs, 0.24 MB of it, and the request asked again was as refused.
    const image = {
      type: "image" as const,
      source: { type: "base64" as const, media_type: "image/png" as const, data: "A".repeat(5_000_000) },
    };
    const messages: MessageParam[] = [user("task")];
    for (let i = 0; i < 17; i++) {
      messages.push(asks(`t${i}`));
      messages.push(
        i < 10
          ? answers(`t${i}`, 60_000)
          : { role: "user", content: [{ type: "tool_result", tool_use_id: `t${i}`, content: [image] }] },
      );
    }
    const bytes = (m: unknown) => Buffer.byteLength(JSON.stringify(m));
    const fitted = fitHistory(messages, { tokens: undefined, max: undefined, bytes: true });
    expect(bytes(fitted?.messages)).toBeLessThanOrEqual((bytes(messages) * 2) / 3);
    expect(fitted).toMatchObject({ outputs: 13, exchanges: 0 });
    expect(outputOf(fitted?.messages[34])).toEqual([image]);
    expect(pairedValidly(fitted?.messages ?? [])).toBe(true);
  });

  it.each<[string, MessageParam[]]>([
    ["one typed turn", [user("x".repeat(50_000))]],
    ["one exchange with small tool output", [user("task"), asks("a"), answers("a", 100), asks("b"), answers("b", 9)]],
    ["tool output already removed", [user("t"), asks("a"), answers("a", 0), asks("b"), answers("b", 10)]],
  ])("has nothing to remove from %s", (_, messages) => {
    expect(fitHistory(messages, { tokens: 1000, max: 200 })).toBeUndefined();
  });
});

const TOO_LONG: Reply = {
  status: 400,
  type: "invalid_request_error",
  message: "prompt is too long: 215000 tokens > 200000 maximum",
};

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** The agent on `lines` piped in (an interactive session), or on `task` when given. */
async function session(script: Reply[], lines: string[], json: boolean, task: string[] = []) {
  api = await startFakeApi(script);
  const ws = fixtureWorkspace();
  const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: api.url };
  const flags = { config: ws.config, workspace: ws.dir, ...(json ? { json: true } : {}) };
  const r = await runAgent(flags, task, env, { stdin: `${lines.join("\n")}\n` });
  return { ...r, requests: api.requests };
}

describe.each([
  ["JSON replies (--json)", true],
  ["streamed replies", false],
])("a conversation that outgrows the context, %s", (_, json) => {
  it("is shortened and asked again, the user told what went, and later turns go on from the shorter one", async () => {
    const r = await session(
      [calls(use("fx__big", { n: 8000 })), done("One."), TOO_LONG, done("Two."), done("Three.")],
      ["first", "second", "third"],
      json,
    );
    expect(r.code).toBe(0);
    expect(r.requests).toHaveLength(5);
    const retried = r.requests[3]?.body.messages ?? [];
    expect(retried.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user"]);
    const result = (retried[2]?.content as { type: string; content: unknown }[] | undefined)?.[0];
    expect(result).toMatchObject({ type: "tool_result", content: removedMarker(8000) });
    expect(r.stderr).toContain(
      "mcp-agent: the conversation outgrew the model's context (215000 tokens > 200000 maximum): removed the output of 1 earlier tool call (7.8 KB); asking again",
    );
    // The next turn is sent with the shortened history, not the original.
    expect(JSON.stringify(r.requests[4]?.body.messages)).not.toContain("y".repeat(8000));
    expect(JSON.stringify(r.requests[4]?.body.messages)).toContain(removedMarker(8000));
  }, 30_000);

  it("says to /clear when it still does not fit, and /clear starts afresh with the servers still up", async () => {
    const r = await session(
      [
        calls(use("fx__big", { n: 8000 })),
        done("One."),
        TOO_LONG,
        TOO_LONG,
        calls(use("fx__echo", { text: "hi" })),
        done("Fresh."),
      ],
      ["first", "second", "/clear", "again"],
      json,
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "mcp-agent: the conversation is too long for the model's context (215000 tokens > 200000 maximum), even with old tool output and exchanges removed; this ask was taken out of the conversation: ask with less (a shorter paste, fewer @attachments), or /clear starts a fresh conversation (the servers stay up)",
    );
    expect(r.stderr).toContain("mcp-agent: a fresh conversation: the model no longer sees the turns before");
    const fresh = r.requests[4]?.body.messages ?? [];
    expect(fresh).toHaveLength(1);
    expect(fresh[0]?.content).toEqual([expect.objectContaining({ type: "text", text: "again" })]);
    expect(JSON.stringify(r.requests[5]?.body.messages.at(-1))).toContain('"hi"');
  }, 30_000);
});

describe("a request over the API's size limit (413), or whose input and max_tokens together are over the context", () => {
  const TOO_BIG: Reply = { status: 413, type: "request_too_large", message: "Request exceeds the maximum size" };
  const NO_ROOM: Reply = {
    status: 400,
    type: "invalid_request_error",
    message:
      "input length and `max_tokens` exceed context limit: 180000 + 32000 > 200000, decrease input length or `max_tokens` and try again",
  };

  it.each<[string, Reply, string]>([
    ["a 413, as images in tool output make it", TOO_BIG, "over the Messages API's request size limit"],
    [
      "input and max_tokens over the context: room is left for the reply",
      NO_ROOM,
      "180000 tokens + 32000 for the reply (--max-tokens) > 200000 maximum",
    ],
  ])(
    "%s: is shortened like one over the context and asked again",
    async (_what, refusal, why) => {
      const r = await session(
        [calls(use("fx__big", { n: 8000 })), done("One."), refusal, done("Two.")],
        ["first", "second"],
        false,
      );
      expect(r.code).toBe(0);
      expect(r.requests).toHaveLength(4);
      expect(JSON.stringify(r.requests[3]?.body.messages)).toContain(removedMarker(8000));
      expect(r.stderr).toContain(
        `mcp-agent: the conversation outgrew the model's context (${why}): removed the output of 1 earlier tool call`,
      );
    },
    30_000,
  );
});

describe("an ask that does not fit, in a session", () => {
  it("is taken out of the conversation with what it led to, so the next line goes on from before it", async () => {
    const r = await session(
      [calls(use("fx__big", { n: 300 })), done("One."), TOO_LONG, TOO_LONG, done("Three.")],
      ["first", "second", "third"],
      false,
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "even with old tool output and exchanges removed; this ask was taken out of the conversation: ask with less (a shorter paste, fewer @attachments), or /clear starts a fresh conversation (the servers stay up)",
    );
    const next = r.requests[4]?.body.messages ?? [];
    expect(next.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user"]);
    expect(JSON.stringify(next)).not.toContain('"second"');
    expect(next.at(-1)?.content).toEqual([expect.objectContaining({ type: "text", text: "third" })]);
  }, 30_000);
});

describe("a task that outgrows the context", () => {
  it("with nothing left to remove, ends in one line that says to split the task", async () => {
    const r = await session([TOO_LONG], [], true, ["do it"]);
    expect(r.code).toBe(1);
    expect(r.requests).toHaveLength(1);
    // It said "even with old tool output and exchanges removed", where there were none and nothing was removed.
    expect(r.stderr).toContain(
      "mcp-agent: the conversation is too long for the model's context (215000 tokens > 200000 maximum), with no old tool output or exchange left to remove: this ask and its own turn's tool output are over it; split the task into smaller ones, or lower --output-budget",
    );
  }, 30_000);
});
