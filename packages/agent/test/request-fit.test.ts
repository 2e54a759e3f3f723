import { afterEach, describe, expect, it } from "vitest";
import type { FlagValues } from "../src/flags.js";
import { removedMarker } from "../src/history-fit.js";
import { carried } from "../src/request-fit.js";
import type { ServerTool } from "../src/servers.js";
import { ToolCatalog } from "../src/tool-catalog.js";
import { calls, done, type FakeApi, type Reply, startFakeApi, use } from "./fixtures/fake-api.js";
import { fixtureWorkspace, runAgent } from "./fixtures/harness.js";

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/**
 * An interactive session on `lines` piped in, against a Messages API whose Models API says `model` (404 if none),
 * with `flags` (--max-tokens 1000 unless said: the default 16000 would fill a small window).
 */
async function session(
  script: Reply[],
  lines: string[],
  model?: Record<string, unknown>,
  flags: FlagValues = { "max-tokens": "1000" },
) {
  api = await startFakeApi(script, model);
  const ws = fixtureWorkspace();
  const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: api.url };
  const r = await runAgent({ config: ws.config, workspace: ws.dir, ...flags }, [], env, {
    stdin: `${lines.join("\n")}\n`,
  });
  return { ...r, requests: api.requests, others: api.others };
}

/** A reply whose whole prompt was `tokens` (input_tokens plus the default 50 cache written and 30 read). */
const measured = (reply: Reply, tokens: number): Reply => ({ ...reply, usage: { input_tokens: tokens - 80 } }) as Reply;

describe("a session nearing the model's context is shortened before the request, not after a refusal", () => {
  it("uses the context window the Models API lists for the model", async () => {
    const r = await session(
      [calls(use("fx__big", { n: 8000 })), measured(done("One."), 9080), done("Two.")],
      ["first", "second"],
      { max_input_tokens: 10_000, lifecycle: "active" },
    );
    expect(r.code).toBe(0);
    expect(r.others).toEqual(["GET /v1/models/claude-sonnet-5-5"]);
    expect(r.requests).toHaveLength(3);
    expect(JSON.stringify(r.requests[2]?.body.messages)).toContain(removedMarker(8000));
    expect(JSON.stringify(r.requests[2]?.body.messages)).not.toContain("y".repeat(8000));
    expect(r.stderr).toMatch(
      /the conversation is nearing the model's context \(about 9\d{3} tokens \+ 1000 for the reply \(--max-tokens\) of 10000\): removed the output of 1 earlier tool call \(7\.8 KB\) before asking/,
    );
    expect(r.stderr).not.toMatch(/outgrew/);
  }, 30_000);

  it("uses the maximum a refusal said, for the rest of the session", async () => {
    const tooLong: Reply = {
      status: 400,
      type: "invalid_request_error",
      message: "prompt is too long: 215000 tokens > 200000 maximum",
    };
    const r = await session(
      [
        calls(use("fx__big", { n: 8000 })),
        done("One."),
        tooLong,
        calls(use("fx__big", { n: 6000 })),
        measured(done("Two."), 185_000),
        done("Three."),
      ],
      ["first", "second", "third"],
    );
    expect(r.code).toBe(0);
    // The Models API was asked and answered 404, as a gateway without it does: nothing is said of it.
    expect(r.others).toEqual(["GET /v1/models/claude-sonnet-5-5"]);
    expect(r.requests).toHaveLength(6);
    expect(r.stderr.match(/outgrew the model's context/g)).toHaveLength(1);
    expect(r.stderr).toMatch(
      /nearing the model's context \(about 185\d{3} tokens \+ 1000 for the reply \(--max-tokens\) of 200000\): removed the output of 1/,
    );
    expect(JSON.stringify(r.requests[5]?.body.messages)).toContain(removedMarker(6000));
  }, 30_000);

  it("leaves room in the window for the reply's max_tokens, which the API refuses a prompt without", async () => {
    // --thinking 32000 asks for 36,096 tokens of reply: a 168,000-token prompt is under 90% of the window, but the API
    // refuses it (168000 + 36096 > 200000), so it is shortened first.
    const r = await session(
      [calls(use("fx__big", { n: 8000 })), measured(done("One."), 168_000), done("Two.")],
      ["first", "second"],
      { max_input_tokens: 200_000 },
      { thinking: "32000" },
    );
    expect(r.code).toBe(0);
    expect(r.requests.map((q) => q.body.max_tokens)).toEqual([36_096, 36_096, 36_096]);
    expect(JSON.stringify(r.requests[2]?.body.messages)).toContain(removedMarker(8000));
    expect(r.stderr).toMatch(
      /nearing the model's context \(about 168\d{3} tokens \+ 36096 for the reply \(--max-tokens\) of 200000\): removed/,
    );
  }, 30_000);

  it("shortens a refused request under the window it said less max_tokens, so the one asked again is not refused", async () => {
    const tooLong: Reply = {
      status: 400,
      type: "invalid_request_error",
      message: "prompt is too long: 12000 tokens > 10000 maximum",
    };
    const read = () => calls(use("fx__big", { n: 4000 }));
    const r = await session(
      [read(), done("1"), read(), done("2"), read(), done("3"), read(), done("4"), tooLong, done("5")],
      ["1", "2", "3", "4", "5"],
      undefined,
      { "max-tokens": "4000" },
    );
    expect(r.code).toBe(0);
    expect(r.requests).toHaveLength(10);
    // 12,000 tokens brought to 75% of 6,000 (10,000 less 4,000 for the reply): all four old outputs go, where 75% of
    // 10,000 would take two and leave 12000 - 2000 + 4000 over the window.
    expect(JSON.stringify(r.requests[9]?.body.messages).split(removedMarker(4000))).toHaveLength(5);
  }, 30_000);

  it("does not trust a listed window that a prompt the API took was over (a gateway's figure for another model)", async () => {
    const r = await session(
      [measured(calls(use("fx__big", { n: 8000 })), 5000), measured(done("One."), 5000), done("Two.")],
      ["first", "second"],
      { max_input_tokens: 1000 },
    );
    expect(r.code).toBe(0);
    expect(r.requests).toHaveLength(3);
    expect(JSON.stringify(r.requests[2]?.body.messages)).toContain("y".repeat(8000));
    expect(r.stderr).not.toMatch(/nearing/);
  }, 30_000);

  it("leaves a session well within the window as it is", async () => {
    const r = await session(
      [calls(use("fx__big", { n: 8000 })), measured(done("One."), 5000), done("Two.")],
      ["first", "second"],
      { max_input_tokens: 10_000 },
    );
    expect(r.requests).toHaveLength(3);
    expect(JSON.stringify(r.requests[2]?.body.messages)).toContain("y".repeat(8000));
    expect(r.stderr).not.toMatch(/nearing/);
  }, 30_000);
});

describe("a reply's max_tokens as large as the model's context window, which leave no room for any prompt", () => {
  const filled = (prompt: number, reply: number, window: number): Reply => ({
    status: 400,
    type: "invalid_request_error",
    message: `input length and \`max_tokens\` exceed context limit: ${prompt} + ${reply} > ${window}, decrease input length or \`max_tokens\` and try again`,
  });

  it("stop the session's ask with what to lower, the history kept and not asked again", async () => {
    const r = await session(
      [calls(use("fx__big", { n: 8000 })), done("One."), filled(4000, 10_000, 10_000)],
      ["first", "second", "third"],
      undefined,
      { "max-tokens": "10000" },
    );
    // Shortened and asked again, it would be refused again, the user told the conversation was too long. The third
    // ask is not sent: the window is known now.
    expect(r.requests).toHaveLength(3);
    expect(JSON.stringify(r.requests[2]?.body.messages)).toContain("y".repeat(8000));
    expect(r.stderr.split("--max-tokens 10000 fills")).toHaveLength(3);
    expect(r.stderr).toContain(
      "--max-tokens 10000 fills the model's whole context window (10000 tokens, as the Messages API said), which holds the prompt and the reply together, so no request fits, however short: lower --max-tokens (16000 unless set) to well under 10000; every ask in this session stops the same way: start a new one with it lowered",
    );
    expect(r.stderr).not.toMatch(/outgrew|too long for the model's context/);
  }, 30_000);

  it("end a task with a usage error naming --thinking when it raised them", async () => {
    api = await startFakeApi([filled(1500, 16_096, 10_000)]);
    const ws = fixtureWorkspace();
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: api.url };
    const r = await runAgent({ config: ws.config, workspace: ws.dir, thinking: "12000" }, ["say hello"], env);
    expect(r.code).toBe(2);
    expect(api.requests).toHaveLength(1);
    expect(r.stderr).toContain(
      "--thinking 12000 asks for 16096 tokens of reply (its budget + 4096), more than the model's whole context window (10000 tokens, as the Messages API said), which holds the prompt and the reply together, so no request fits, however short: lower --thinking to well under 10000",
    );
  }, 30_000);
});

describe("what a request carries besides its messages, weighed with them when the history is shortened", () => {
  const tool = (server: string, name: string, size: number): ServerTool => ({
    server,
    name,
    description: "d".repeat(size),
    inputSchema: { type: "object", properties: {} },
  });
  it("is the system prompt and the tools in the prompt, not those deferred behind tool search", () => {
    const many = Array.from({ length: 60 }, (_, i) => tool("big", `t${i}`, 1000));
    const catalog = new ToolCatalog(
      [tool("file", "read_file", 10), ...many],
      { readOnly: false, ask: false },
      {
        builtin: new Set(["file"]),
        toolSearch: "auto",
      },
    );
    const names = (carried({ system: "S", catalog }) as { tools: { name: string }[] }).tools.map((t) => t.name);
    expect(names).toEqual(["file__read_file", "tool_search_tool_bm25"]);
  });
});

describe("a model the Models API lists as deprecated or retired", () => {
  it("is named once, between requests, with what to do", async () => {
    const r = await session([done("One."), done("Two.")], ["first", "second"], {
      lifecycle: "deprecated",
      retires_at: "2027-01-05T00:00:00Z",
    });
    expect(r.code).toBe(0);
    const line =
      "mcp-agent: model claude-sonnet-5-5 is deprecated (retirement scheduled for 2027-01-05): choose a current model with --model or ANTHROPIC_MODEL";
    expect(r.stderr.split(line)).toHaveLength(2);
  }, 30_000);

  it.each([false, true])(
    "is named once the task is done when the look-up answered after its only request went (--json %s)",
    async (json) => {
      api = await startFakeApi([done("One.")], { lifecycle: "retired" }, 300);
      const ws = fixtureWorkspace();
      const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: api.url };
      const r = await runAgent({ config: ws.config, workspace: ws.dir, json }, ["say hello"], env);
      expect(r.code).toBe(0);
      const line =
        "model claude-sonnet-5-5 is retired, so its requests fail: choose a current model with --model or ANTHROPIC_MODEL";
      expect(r.stderr.split(line)).toHaveLength(2);
      if (json) expect(JSON.parse(r.stdout).transcript).toContainEqual({ type: "notice", message: line });
    },
    30_000,
  );
});
