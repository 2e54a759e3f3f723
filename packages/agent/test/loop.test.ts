import { readFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "@mcp-toolkit/core";
import { afterEach, describe, expect, it } from "vitest";
import {
  calls,
  done,
  type FakeApi,
  type Reply,
  startFakeApi,
  streamWithInput,
  text,
  toolResults,
  use,
} from "./fixtures/fake-api.js";
import { fixtureWorkspace, runAgent } from "./fixtures/harness.js";

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function agent(
  script: Reply[],
  flags: Record<string, string | boolean> = {},
  extraEnv: Record<string, string> = {},
  input?: { stdin: string; tty?: boolean; task?: string[] },
) {
  api = await startFakeApi(script);
  const ws = fixtureWorkspace();
  const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: api.url, ...extraEnv };
  const result = await runAgent(
    { config: ws.config, workspace: ws.dir, ...flags },
    input?.task ?? ["do the task"],
    env,
    input,
  );
  return { ...result, api, ws };
}

describe("the tool-use loop against a scripted Messages API", () => {
  it("runs parallel tool calls concurrently and returns every result, in order, in one user message", async () => {
    const r = await agent([
      calls(text("Two things at once."), use("fx__slow", { ms: 400 }), use("fx__echo", { text: "quick" })),
      done("Both done."),
    ]);
    expect(r.code).toBe(0);
    const results = toolResults(r.api.requests[1]);
    const firstUse = r.api.requests[1]?.body.messages[1]?.content as { id?: string }[];
    expect(results.map((b) => b.tool_use_id)).toEqual(firstUse.filter((b) => b.id).map((b) => b.id));
    expect(results.map((b) => b.content[0]?.text)).toEqual(["waited 400 ms", "quick"]);
    // The quick call finished first: it did not wait for the slow one.
    const audit = readFileSync(join(r.ws.dir, ".agent", "audit.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(audit.map((a) => a.tool)).toEqual(["echo", "slow"]);
    expect(r.stdout).toContain("→ fx__slow");
    expect(r.stdout).toContain("Both done.");
  });

  it("turns an unknown tool, bad input and a tool error into is_error results and goes on", async () => {
    const r = await agent([
      calls(
        use("nosuch__tool", {}),
        use("fx__echo", { text: 5 }),
        use("fx__fail", {}),
        use("fx__echo", "not an object"),
      ),
      done("Recovered."),
    ]);
    expect(r.code).toBe(0);
    const results = toolResults(r.api.requests[1]);
    expect(results.map((b) => b.is_error)).toEqual([true, true, true, true]);
    expect(results[0]?.content[0]?.text).toMatch(/unknown tool "nosuch__tool".*fx__echo/);
    expect(results[1]?.content[0]?.text).toMatch(/text must be a string/);
    expect(results[3]?.content[0]?.text).toMatch(/JSON object/);
    expect(r.stderr).toMatch(/fx__echo: 2 calls, 2 errors/);
  });

  it("reports a 529 in one line, lets the SDK retry, and succeeds", async () => {
    const r = await agent([
      { status: 529, type: "overloaded_error", message: "Overloaded", headers: { "retry-after-ms": "10" } },
      done("Fine now."),
    ]);
    expect(r.code).toBe(0);
    expect(r.api.requests).toHaveLength(2);
    expect(r.stderr).toMatch(/^mcp-agent: API overloaded \(529\); retrying in 10 ms \(1\/3\)$/m);
    expect(r.stdout).toContain("Fine now.");
  });

  it("reports every retry the SDK makes (408, 409, x-should-retry: true), with the wait it will take", async () => {
    const r = await agent([
      { status: 408, type: "timeout_error", message: "Request timeout", headers: { "retry-after-ms": "20" } },
      { status: 409, type: "conflict_error", message: "Conflict", headers: { "retry-after": "0.03" } },
      {
        status: 400,
        type: "invalid_request_error",
        message: "try again",
        headers: { "x-should-retry": "true", "retry-after-ms": "5" },
      },
      done("Fine now."),
    ]);
    expect(r.code).toBe(0);
    expect(r.api.requests).toHaveLength(4);
    expect(r.stderr).toMatch(/^mcp-agent: API request timeout \(408\); retrying in 20 ms \(1\/3\)$/m);
    expect(r.stderr).toMatch(/^mcp-agent: API conflict \(409\); retrying in 30 ms \(2\/3\)$/m);
    expect(r.stderr).toMatch(/^mcp-agent: API error \(400\); retrying in 5 ms \(3\/3\)$/m);
    expect(r.stderr).toMatch(/· 3 API retries/);
  });

  it("gives up after the retries with a one-line API error and exit 1", async () => {
    const overloaded: Reply = {
      status: 529,
      type: "overloaded_error",
      message: "Overloaded",
      headers: { "retry-after-ms": "5" },
    };
    const r = await agent([overloaded, overloaded], { "max-retries": "1" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/API error 529 overloaded_error: Overloaded/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("ends the request at once, saying when to try again, when a 429 asks for a wait longer than 60 s", async () => {
    const r = await agent([
      { status: 429, type: "rate_limit_error", message: "Rate limited", headers: { "retry-after": "3600" } },
      done("never sent"),
    ]);
    expect(r.code).toBe(1);
    expect(r.api.requests).toHaveLength(1);
    expect(r.stderr).toMatch(
      /API error 429 rate_limit_error: Rate limited \(it asks to wait 60 min, longer than the agent waits, 60 s: try again after \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/,
    );
    expect(r.stderr).not.toMatch(/retrying in/);
  });

  it("counts no turn for a first request the API refused (401): the model never answered", async () => {
    const r = await agent([{ status: 401, type: "authentication_error", message: "invalid x-api-key" }]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/API rejected the credentials \(401\)/);
    expect(r.stderr).toMatch(/── 0 turns · /);
  });

  it("in a session, counts the answered turn and not the refused one before it", async () => {
    const refused: Reply = { status: 401, type: "authentication_error", message: "invalid x-api-key" };
    const r = await agent([refused, done("Answered.")], {}, {}, { stdin: "first\nsecond\n", task: [] });
    expect(r.code).toBe(0);
    expect(r.api.requests).toHaveLength(2);
    expect(r.stdout).toContain("Answered.");
    expect(r.stderr).toMatch(/── 1 turn · /);
  });

  it("says the model declined when it stops with a refusal, exit 1", async () => {
    const r = await agent([{ blocks: [text("I can't help with that.")], stop: "refusal" }]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("I can't help with that.");
    expect(r.stderr).toContain(`mcp-agent: the model declined this request (stop_reason "refusal"); rephrase the task`);
  });

  it("stops at --max-turns with a clear message and exit 3", async () => {
    const again = () => calls(use("fx__echo", { text: "again" }));
    const r = await agent([again(), again(), again()], { "max-turns": "2" });
    expect(r.code).toBe(3);
    expect(r.api.requests).toHaveLength(2);
    expect(r.stderr).toMatch(/reached --max-turns 2/);
    // With --json, a script branches on `stop`, not on the error's wording; a task that ends otherwise has none.
    const json = await agent([again(), again()], { "max-turns": "1", json: true });
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, exitCode: 3, stop: "max_turns" });
    const answered = await agent([done("Fine.")], { json: true });
    expect(JSON.parse(answered.stdout)).not.toHaveProperty("stop");
  });

  // Each scripted reply reports 200 tokens (100 in, 50 cache written, 30 cache read, 20 out).
  it("stops at --token-budget before the next request, after the crossing reply's tool calls ran; exit 3", async () => {
    const again = () => calls(use("fx__echo", { text: "again" }));
    const r = await agent([again(), again(), again(), again(), done("never asked")], { "token-budget": "500" });
    expect(r.code).toBe(3);
    expect(r.api.requests).toHaveLength(3);
    const audit = readFileSync(join(r.ws.dir, ".agent", "audit.jsonl"), "utf8")
      .trim()
      .split("\n");
    expect(audit).toHaveLength(3);
    expect(r.stderr).toContain(
      "stopped: the run's model requests have used 600 tokens (240 of them cached, each counted in full; --max-budget-usd weighs them as billed), reaching --token-budget 500; raise --token-budget or split the task",
    );
    const json = await agent([again(), again(), done("never asked")], { "token-budget": "200", json: true });
    expect(json.code).toBe(3);
    expect(json.api.requests).toHaveLength(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      exitCode: 3,
      stop: "token_budget",
      error: expect.stringMatching(/200 tokens/),
    });
  });

  // At Sonnet's list prices each reply costs $0.0007965: two reach $0.0015.
  it("stops at --max-budget-usd before the next request, from the summary's estimate; exit 3", async () => {
    const again = () => calls(use("fx__echo", { text: "again" }));
    const r = await agent([again(), again(), again(), done("never asked")], { "max-budget-usd": "0.0015", json: true });
    expect(r.code).toBe(3);
    expect(r.api.requests).toHaveLength(2);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: false,
      exitCode: 3,
      stop: "cost_budget",
      error:
        "stopped: the run's model requests have used an estimated $0.0016 at list prices, reaching --max-budget-usd 0.0015; raise --max-budget-usd or split the task",
    });
  });

  it("counts --token-budget over the whole session: a later ask makes no request once it is spent", async () => {
    const r = await agent(
      [done("First."), done("Second."), done("never asked")],
      { "token-budget": "400" },
      {},
      { stdin: "first\nsecond\nthird\n", task: [] },
    );
    expect(r.api.requests).toHaveLength(2);
    expect(r.stdout).toContain("Second.");
    expect(r.stderr).toMatch(
      /used 400 tokens \(160 of them cached, each counted in full; .*\), reaching --token-budget 400; start a new session with a larger/,
    );
  });

  it("caches the system prompt, tool list and conversation, and namespaces tools within the API's rule", async () => {
    const r = await agent([done("ok")]);
    const body = r.api.requests[0]?.body;
    const tools = body?.tools ?? [];
    expect(tools.map((t) => t.name)).toContain("fx__echo");
    for (const t of tools) expect(t.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(tools.filter((t) => t.cache_control)).toHaveLength(1);
    expect(tools.at(-1)?.cache_control).toEqual({ type: "ephemeral" });
    expect(body?.system).toEqual([expect.objectContaining({ cache_control: { type: "ephemeral" } })]);
    expect(JSON.stringify(body?.system)).toMatch(/server__tool/);
    expect(JSON.stringify(body?.messages.at(-1))).toMatch(/"cache_control"/);
    expect(body?.model).toBe("claude-sonnet-5-5");
    // The connection was opened while the servers booted, by asking the Models API about the model (here a 404, as a
    // gateway without it answers, which nothing is said of), and the request reused it.
    expect(r.api.others).toEqual(["GET /v1/models/claude-sonnet-5-5"]);
    expect(r.api.connections()).toBe(1);
    expect(r.stderr).toMatch(/est\. cost \$/);
  });

  it("keeps the previous request's cache breakpoint on the next one: 4 in all", async () => {
    const r = await agent([calls(use("fx__echo", { text: "a" })), done("ok")]);
    const body = r.api.requests[1]?.body;
    const marked = (body?.messages ?? []).map((m) => JSON.stringify(m).includes('"cache_control"'));
    expect(marked).toEqual([true, false, true]);
    expect(JSON.stringify(body).split('"cache_control"')).toHaveLength(5);
  });

  it("maps shortened and sanitized names back to the server's tool", async () => {
    api = await startFakeApi([]);
    const first = await agent([done("listing")]);
    const long = first.api.requests[0]?.body.tools?.find((t) => t.name.startsWith("fx__a_really_long"))?.name;
    const dotted = first.api.requests[0]?.body.tools?.find((t) => t.name.startsWith("fx__dotted"))?.name;
    expect(long?.length).toBeLessThanOrEqual(64);
    await api.close();
    const r = await agent([calls(use(long as string, {}), use(dotted as string, {})), done("ok")]);
    expect(toolResults(r.api.requests[1]).map((b) => b.content[0]?.text)).toEqual([
      "a_really_long_tool_name_that_goes_on_and_on_well_beyond_the_sixty_four_limit: ok",
      "dotted.name: ok",
    ]);
  });

  it("restarts a server that died during a call; the next call works with the tool list intact", async () => {
    const r = await agent([
      calls(use("fx__pid", {})),
      calls(use("fx__crash", {})),
      calls(use("fx__pid", {}), use("fx__echo", { text: "alive" })),
      done("ok"),
    ]);
    expect(r.code).toBe(0);
    const before = toolResults(r.api.requests[1])[0]?.content[0]?.text;
    const crashed = toolResults(r.api.requests[2])[0];
    expect(crashed?.is_error).toBe(true);
    expect(crashed?.content[0]?.text).toMatch(/stopped during the call.*restarted on the next call/);
    const after = toolResults(r.api.requests[3]);
    expect(after.map((b) => b.is_error)).toEqual([undefined, undefined]);
    expect(after[0]?.content[0]?.text).not.toBe(before);
    expect(after[1]?.content[0]?.text).toBe("alive");
    expect(r.api.requests[3]?.body.tools?.map((t) => t.name)).toEqual(
      r.api.requests[0]?.body.tools?.map((t) => t.name),
    );
    expect(r.stderr).toContain('server "fx" restarted (exited with code 1; restart 1 of 3)');
  });

  it("times a slow call out as is_error (--tool-timeout) and cuts results over the output budget", async () => {
    const r = await agent([calls(use("fx__slow", { ms: 5000 }), use("fx__big", { n: 20_000 })), done("ok")], {
      "tool-timeout": "300",
      "output-budget": "100",
    });
    const [slow, big] = toolResults(r.api.requests[1]);
    expect(slow?.is_error).toBe(true);
    expect(slow?.content[0]?.text).toMatch(/timed out after 300 ms \(--tool-timeout\)/);
    expect(big?.is_error).toBeUndefined();
    expect(big?.content[0]?.text).toMatch(
      /^y{400}\n\n\[output cut: the result was about 5000 tokens, over the 100-token budget/,
    );
    // The transcript says the model got less than it shows.
    expect(r.stdout).toMatch(/← y+… \(fx__big, \d+ ms, cut to the output budget for the model\)/);
  });

  it("goes on after a pause_turn by sending the content so far back, and stops on one with no content", async () => {
    const going = await agent([{ blocks: [text("Half of it")], stop: "pause_turn" }, done(" and the rest.")]);
    expect(going.code).toBe(0);
    expect(going.api.requests).toHaveLength(2);
    expect(JSON.stringify(going.api.requests[1]?.body.messages.at(-1))).toMatch(/"assistant".*Half of it/);

    const empty = await agent([{ blocks: [], stop: "pause_turn" }, done("never asked")], { "max-turns": "5" });
    expect(empty.api.requests).toHaveLength(1);
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toMatch(
      /paused the turn \(stop_reason "pause_turn"\) before the model wrote anything; ask again/,
    );
  });

  it("does not run a tool call cut off at max_tokens, whose input may be incomplete, and tells the model", async () => {
    const r = await agent([
      {
        blocks: [use("fx__echo", { text: "complete" }), use("fx__write_note", { text: "half a no" })],
        stop: "max_tokens",
      },
      done("retried"),
    ]);
    expect(r.code).toBe(0);
    const [echo, note] = toolResults(r.api.requests[1]);
    expect(echo?.content[0]?.text).toBe("complete");
    expect(note?.is_error).toBe(true);
    expect(JSON.stringify(note?.content)).toMatch(/not run: .*output limit .*call it again with a smaller input/);
    const audit = readFileSync(join(r.ws.dir, ".agent", "audit.jsonl"), "utf8");
    expect(audit).not.toContain("write_note");
  });

  it("does not run a streamed tool call whose input is not whole JSON, though the SDK parses what it can", async () => {
    const broken = streamWithInput(
      {
        blocks: [use("fx__echo", { text: "whole" }), use("fx__write_note", { text: "half a note" })],
        stop: "tool_use",
      },
      (json) => (json.includes("half") ? json.slice(0, -8) : json),
    );
    const r = await agent([broken, done("retried")]);
    expect(r.code).toBe(0);
    const [echo, note] = toolResults(r.api.requests[1]);
    expect(echo?.content[0]?.text).toBe("whole");
    expect(note?.is_error).toBe(true);
    expect(JSON.stringify(note?.content)).toMatch(/not run: this call's input did not arrive as whole JSON/);
    expect(r.stderr).toMatch(/fx__write_note not run: its input did not arrive as whole JSON/);
    const audit = readFileSync(join(r.ws.dir, ".agent", "audit.jsonl"), "utf8");
    expect(audit).not.toContain("write_note");
  });

  it("says a streamed tool call's input that is not JSON at all is that, not an event that is not JSON", async () => {
    const r = await agent([
      streamWithInput({ blocks: [use("fx__echo", { text: "x" })], stop: "tool_use" }, () => "{{{"),
      done("unused"),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/the Messages API sent a tool call whose input is not JSON \(\{\{\{\); try again/);
    expect(r.stderr).not.toMatch(/stream event that is not JSON/);
  });

  it("leaves out a tool whose inputSchema the Messages API would refuse, and says so", async () => {
    const r = await agent([done("fine")], {}, { FIXTURE_BAD_SCHEMA: "1" });
    expect(r.code).toBe(0);
    const names = r.api.requests[0]?.body.tools?.map((t) => t.name) ?? [];
    expect(names).toContain("fx__echo");
    expect(names.some((n) => /schema/.test(n))).toBe(false);
    expect(r.stderr).toMatch(/server "fx": tool "no_schema" left out: its inputSchema is not a JSON Schema/);
    expect(r.stderr).toMatch(/tool "string_schema" left out/);
    expect(r.stderr).toMatch(/tool "union_schema" left out: its inputSchema has anyOf at the top level/);
    expect(r.stderr).toMatch(
      /tool "draft3_schema" left out: its inputSchema is not valid JSON Schema 2020-12, which the Messages API requires \(inputSchema\/properties\/a\/required must be array; a fix for the server\)/,
    );
  });

  it("cuts a server's oversized JSON-RPC error message to the output budget too", async () => {
    const r = await agent(
      [calls(use("fx__big", { n: 20_000 })), done("ok")],
      { "output-budget": "100" },
      {
        FIXTURE_RPC_ERROR: "1",
      },
    );
    expect(r.code).toBe(0);
    const [big] = toolResults(r.api.requests[1]);
    expect(big?.is_error).toBe(true);
    expect(big?.content[0]?.text).toMatch(/^server "fx" refused the call: z+\n\n\[output cut: .* 100-token budget/);
    expect(big?.content[0]?.text?.length ?? 0).toBeLessThan(1000);
  });

  it("passes the environment to servers and redacts secrets in the audit log", async () => {
    const r = await agent(
      [
        calls(
          use("fx__env", { name: "AGENT_TEST_VAR" }),
          use("fx__echo", { text: "Bearer abcdefghijklmnopqrstuvwxyz", api_key: "k" }),
          use("fx__echo", { text: "hi", access_token: "zz-secret-zz" }),
          use("fx__env", { name: "ANTHROPIC_API_KEY" }),
        ),
        done("ok"),
      ],
      {},
      { AGENT_TEST_VAR: "reached the child" },
    );
    expect(toolResults(r.api.requests[1])[0]?.content[0]?.text).toBe("reached the child");
    // The agent's own API key stays with the agent.
    expect(toolResults(r.api.requests[1])[3]?.content[0]?.text).toBe("(unset)");
    const log = readFileSync(join(r.ws.dir, ".agent", "audit.jsonl"), "utf8");
    expect(log).not.toContain("abcdefghijklmnop");
    // The printed transcript is a log too.
    expect(r.stdout).toContain("→ fx__echo");
    expect(r.stdout).toContain('"access_token":"[redacted]"');
    expect(r.stdout).not.toContain("zz-secret-zz");
    const lines = log
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          server: "fx",
          tool: "echo",
          ok: true,
          args: { text: "Bearer [redacted]", api_key: "[redacted]" },
        }),
      ]),
    );
    for (const line of lines)
      expect(Object.keys(line)).toEqual(expect.arrayContaining(["time", "durationMs", "resultBytes"]));
  });

  it("offers only read-only tools with --read-only", async () => {
    const r = await agent([done("ok")], { "read-only": true });
    const names = r.api.requests[0]?.body.tools?.map((t) => t.name) ?? [];
    expect(names).toContain("fx__echo");
    expect(names).not.toContain("fx__crash");
    expect(names).not.toContain("fx__write_note");
  });

  it("prints a JSON transcript with --json (non-streaming requests) and sends --thinking", async () => {
    const r = await agent([calls(use("fx__echo", { text: "hi" })), done("All good.")], {
      json: true,
      thinking: "2048",
    });
    expect(r.api.requests[0]?.body.stream).toBeFalsy();
    expect(r.api.requests[0]?.body.thinking).toEqual({ type: "enabled", budget_tokens: 2048 });
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ok: true, exitCode: 0, result: "All good." });
    expect(out.transcript).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "tool_result", name: "fx__echo", ok: true, text: "hi" }),
      ]),
    );
    expect(out.summary["mcp.client.operation.duration"].fx__echo).toMatchObject({ calls: 1, errors: 0 });
  });

  it("keeps thinking in the --json transcript when --thinking raises max_tokens and the reply is streamed", async () => {
    const thought: Reply = {
      blocks: [{ type: "thinking", thinking: "let me think", signature: "sig" }, text("Answer.")],
      stop: "end_turn",
    };
    const r = await agent([thought], { json: true, thinking: "20000" });
    expect(r.api.requests[0]?.body.stream).toBe(true);
    const out = JSON.parse(r.stdout);
    expect(out.transcript).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "thinking", text: "let me think" }),
        expect.objectContaining({ type: "text", text: "Answer." }),
      ]),
    );
  });

  it("keeps a multi-turn conversation in interactive mode (no task)", async () => {
    const r = await agent(
      [calls(use("fx__echo", { text: "one" })), done("First."), done("Second.")],
      {},
      {},
      {
        stdin: "first question\nsecond question\n",
        task: [],
      },
    );
    expect(r.code).toBe(0);
    expect(r.api.requests).toHaveLength(3);
    const last = r.api.requests[2]?.body.messages ?? [];
    expect(last.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user"]);
    expect(JSON.stringify(last.at(-1))).toContain("second question");
    expect(r.stdout).toContain("First.");
    expect(r.stdout).toContain("Second.");
  });

  it("with --ask, asks before a tool that is not read-only; no becomes is_error", async () => {
    const r = await agent(
      [calls(use("fx__write_note", { text: "x" }), use("fx__echo", { text: "no question" })), done("ok")],
      { ask: true },
      {},
      { stdin: "n\n", tty: true },
    );
    const [declined, echoed] = toolResults(r.api.requests[1]);
    expect(declined?.is_error).toBe(true);
    expect(declined?.content[0]?.text).toMatch(/the user declined to run fx__write_note/);
    expect(echoed?.content[0]?.text).toBe("no question");
    expect(r.stderr).toMatch(/allow fx__write_note \{"text":"x"\}\? \[y\/N\/a\]/);
  });

  it("with --ask, an answer of a (always) runs that call and later calls of the same tool without asking", async () => {
    const note = (text: string) => use("fx__write_note", { text });
    const r = await agent(
      [calls(note("one"), note("two")), calls(note("three")), done("ok")],
      { ask: true },
      {},
      { stdin: "a\n", tty: true },
    );
    expect(r.code).toBe(0);
    const results = [...toolResults(r.api.requests[1]), ...toolResults(r.api.requests[2])];
    expect(results.map((b) => b.is_error)).toEqual([undefined, undefined, undefined]);
    expect(r.stderr.match(/allow fx__write_note/g)).toHaveLength(1);
    expect(r.stderr).toContain("fx__write_note is allowed without asking for the rest of this run");
  });

  it("sends ANTHROPIC_AUTH_TOKEN as a bearer token when there is no API key", async () => {
    const r = await agent([done("ok")], {}, { ANTHROPIC_API_KEY: "", ANTHROPIC_AUTH_TOKEN: "gateway-token" });
    expect(r.code).toBe(0);
    expect(r.api.requests[0]?.headers.authorization).toBe("Bearer gateway-token");
    expect(r.api.requests[0]?.headers["x-api-key"]).toBeUndefined();
  });

  it("refuses to start without credentials, and --ask without a TTY", async () => {
    const ws = fixtureWorkspace();
    await expect(runAgent({ config: ws.config }, ["x"], { PATH: process.env.PATH })).rejects.toThrow(
      /ANTHROPIC_API_KEY.*ANTHROPIC_AUTH_TOKEN/,
    );
    await expect(runAgent({ config: ws.config, ask: true }, ["x"], { ANTHROPIC_API_KEY: "k" })).rejects.toThrow(
      UsageError,
    );
  });
});

describe("replies cut short, empty or refused", () => {
  it("does not run a tool call cut where the conversation filled the context window, and tells the model", async () => {
    const r = await agent([
      {
        blocks: [use("fx__echo", { text: "complete" }), use("fx__write_note", { text: "half a no" })],
        stop: "model_context_window_exceeded",
      },
      done("retried"),
    ]);
    expect(r.code).toBe(0);
    const [echo, note] = toolResults(r.api.requests[1]);
    expect(echo?.content[0]?.text).toBe("complete");
    expect(note?.is_error).toBe(true);
    expect(JSON.stringify(note?.content)).toMatch(/not run: .*the model's context window.*call it again/);
    expect(r.stderr).toMatch(/fx__write_note not run: the conversation filled the model's context window/);
    const audit = readFileSync(join(r.ws.dir, ".agent", "audit.jsonl"), "utf8");
    expect(audit).not.toContain("write_note");
  });

  it("after a text reply cut where the context window filled, shortens the history for the next ask", async () => {
    const cut: Reply = { blocks: [text("The answer starts")], stop: "model_context_window_exceeded" };
    const r = await agent(
      [calls(use("fx__echo", { text: "x".repeat(3000) })), done("First."), cut, done("Third.")],
      {},
      {},
      { stdin: "first\nsecond\nthird\n", task: [] },
    );
    expect(r.api.requests).toHaveLength(4);
    expect(r.stderr).toMatch(/filled the model's context window: removed the output of 1 earlier tool call/);
    expect(r.stderr).toMatch(/the reply was cut off where the conversation filled the model's context window/);
    const next = JSON.stringify(r.api.requests[3]?.body.messages);
    expect(next).toContain("[output removed to fit the context: 3000 bytes]");
    // Kept once: in the model's own call (what it wrote is never removed), no longer in the tool's output.
    expect(next.split("x".repeat(3000))).toHaveLength(2);
  });

  it("fails in one line when a reply cut at the context window leaves nothing to remove", async () => {
    const r = await agent([{ blocks: [text("The answer starts")], stop: "model_context_window_exceeded" }]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /the conversation is too long for the model's context, with no old tool output.*split the task/,
    );
  });

  it("says so when the model ends a task having written nothing at all (an empty reply)", async () => {
    const r = await agent([calls(use("fx__echo", { text: "x" })), { blocks: [], stop: "end_turn" }]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/^[^→ ]/m);
    expect(r.stderr).toContain(
      "mcp-agent: the model ended its turn without writing anything (an empty reply); ask again for an answer",
    );
  });

  it("says nothing of an empty reply after the model wrote its answer (text, then tool calls)", async () => {
    const r = await agent([{ blocks: [text("Echoing."), use("fx__echo", { text: "x" })] }, { blocks: [] }]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Echoing.");
    expect(r.stderr).not.toContain("empty reply");
  });

  it("keeps no empty assistant message in the history: every later request stays valid", async () => {
    const empty: Reply = { blocks: [], stop: "end_turn" };
    const r = await agent(
      [calls(use("fx__echo", { text: "x" })), empty, empty, done("ok")],
      {},
      {},
      { stdin: "echo x\nnext\nlast\n", task: [] },
    );
    expect(r.code).toBe(0);
    expect(r.api.requests).toHaveLength(4);
    const messages = r.api.requests[3]?.body.messages ?? [];
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    for (const m of messages) expect(m.content).not.toHaveLength(0);
    expect(JSON.stringify(messages.at(-1))).toMatch(/tool_result.*"next".*"last"/);
  });

  it("after a refusal, takes the refused ask out of the history and shows the API's explanation", async () => {
    const refused: Reply = {
      blocks: [text("Sure, here is how to")],
      stop: "refusal",
      stopDetails: { type: "refusal", category: "cyber", explanation: "This looks like malware development." },
    };
    const r = await agent(
      [done("Hi."), refused, done("Hello.")],
      {},
      {},
      {
        stdin: "hi\nbad request\nsay hello\n",
        task: [],
      },
    );
    expect(r.stderr).toMatch(
      /the model declined this request \(stop_reason "refusal"\): This looks like malware development\.; this ask and its reply were taken out/,
    );
    const messages = r.api.requests[2]?.body.messages ?? [];
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(JSON.stringify(messages)).not.toMatch(/bad request|Sure, here/);
    expect(JSON.stringify(messages.at(-1))).toContain("say hello");
  });
});
