import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { builtinBin } from "../src/builtin-servers.js";
import { canAsk, showsLog } from "../src/host.js";
import { calls, done, type FakeApi, startFakeApi, toolResults, use } from "./fixtures/fake-api.js";
import { runAgent, v1Workspace } from "./fixtures/harness.js";

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** Run the agent over the v1 fixture server with a scripted model that makes one call. */
async function callV1(
  tool: string,
  input: Record<string, unknown>,
  flags: Record<string, string | boolean> = {},
  options: { tty?: boolean; answers?: string[]; env?: Record<string, string> } = {},
  after: ReturnType<typeof done>[] = [done("Done.")],
) {
  api = await startFakeApi([calls(use(`v1__${tool}`, input)), ...after]);
  const ws = v1Workspace();
  const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url, ...options.env };
  const r = await runAgent({ config: ws.config, workspace: ws.dir, ...flags }, ["go"], env, options);
  return { ...r, result: toolResults(api.requests[1])[0]?.content[0]?.text ?? "", ws, api };
}

describe("elicitation (form mode)", () => {
  it("on a terminal asks field by field with the schema's defaults and enums; accept sends the answers", async () => {
    const r = await callV1("ask", {}, {}, { tty: true, answers: ["a", "Ada", "", "x", "7", "y"] });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.result)).toEqual({
      action: "accept",
      content: { name: "Ada", colour: "green", age: 7, subscribe: true },
    });
    expect(r.stderr).toContain("v1 asks: Who are you?");
    expect(r.stderr).toContain("colour [red/green/blue, default green]: ");
    expect(r.stderr).toContain("an integer is needed, e.g. 42");
    expect(r.stderr).toContain(
      "v1 asked for input; the user chose accept (Name: Ada; colour: green; age: 7; subscribe: yes)",
    );
  });

  it("withdraws a question still open when its call has ended (timed out), so it takes no later line", async () => {
    const r = await callV1("ask", {}, { "tool-timeout": "1500" }, { tty: true });
    expect(r.code).toBe(0);
    expect(r.result).toMatch(/^timed out after 1500 ms/);
    expect(r.stderr).toContain("mcp-agent: v1's question was withdrawn: the call it was asked for has ended\n");
    expect(r.stderr).not.toContain("Name — Your name");
  });

  it.each([
    ["d", "decline"],
    ["c", "cancel"],
  ])("on a terminal, %s answers %s", async (key, action) => {
    const r = await callV1("ask", {}, {}, { tty: true, answers: [key] });
    expect(JSON.parse(r.result)).toEqual({ action });
  });

  it.each<[string, Record<string, string | boolean>, { tty?: boolean; env?: Record<string, string> }]>([
    ["no terminal", {}, {}],
    ["--json", { json: true }, { tty: true }],
    ["CI", {}, { tty: true, env: { CI: "true" } }],
  ])(
    "with %s, elicitation is not offered, so a server's question fails as unsupported",
    async (_what, flags, options) => {
      const r = await callV1("ask", {}, flags, options);
      expect(r.result).toMatch(/does not support .*elicitation/i);
      expect(r.stderr).not.toContain("asked for input");
    },
  );
});

describe("elicitation in the 2026-07-28 era (input_required), with our http server's --confirm destructive", () => {
  let target: Server | undefined;
  afterEach(() => target?.close());

  /** The model asks our http server (--confirm destructive) to DELETE on a local target: the run, what it got. */
  async function deleteAsked(flags: Record<string, string | boolean>, input?: { tty: boolean; answers: string[] }) {
    const requests: string[] = [];
    target = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.end("gone");
    });
    await new Promise<void>((resolve) => target?.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/thing`;
    api = await startFakeApi([calls(use("web__http_request", { method: "DELETE", url })), done("Done.")]);
    const web = {
      command: process.execPath,
      args: [builtinBin("http"), "--allow-private", "--confirm", "destructive"],
    };
    const ws = v1Workspace([], { web });
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const r = await runAgent({ config: ws.config, workspace: ws.dir, ...flags }, ["go"], env, input);
    return { r, requests, result: toolResults(api.requests[1])[0] };
  }

  it.each([
    [["a", "y"], "accept (Go ahead: yes)", ["DELETE /thing"]],
    [["a", "n"], "accept (Go ahead: no)", []],
    [["d"], "decline", []],
  ])("answers %j: the user chose %s", async (answers, action, seen) => {
    const { r, requests } = await deleteAsked({ verbose: true }, { tty: true, answers });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\[web\] \d+ tools, .*protocol 2026-07-28 \(modern era\)/);
    expect(r.stderr).toContain(`web asked for input; the user chose ${action}`);
    expect(requests).toEqual(seen);
  });

  it("without a terminal offers no elicitation: the server answers -32021, the model and transcript are told why, nothing is sent", async () => {
    const { r, requests, result } = await deleteAsked({});
    expect(r.code).toBe(0);
    expect(result?.is_error).toBe(true);
    const why =
      'server "web" refused the call: the agent asks the user nothing in this run (it asks only on a terminal, without --json or CI), so it did not offer elicitation.';
    const text = result?.content[0]?.text ?? "";
    expect(text).toMatch(
      /^[^\n]* The server said: Not done: this call needs the user's confirmation: the server runs with --confirm destructive \(MCP_CONFIRM\), .* cannot be asked "Send DELETE http:\/\/127\.0\.0\.1:\d+\/thing\?/,
    );
    expect(text.startsWith(why)).toBe(true);
    expect(text).not.toContain("declined");
    // The transcript's line for the call says why first; the call is not tried again.
    expect(r.stdout).toContain(`← error: ${why}`);
    expect(r.stdout.match(/→ web__http_request/g)).toHaveLength(1);
    expect(requests).toEqual([]);
  });
});

describe("roots and logging (2025 era)", () => {
  it("advertises the workspace as the one root", async () => {
    const r = await callV1("roots", {});
    expect(JSON.parse(r.result)).toEqual([{ uri: `file://${r.ws.dir}`, name: "workspace" }]);
  });

  it("shows a server's warnings and errors on stderr, every level with --verbose", async () => {
    const quiet = await callV1("log", {});
    expect(quiet.stderr).toContain("[v1/fx] warning: a warning message\n");
    expect(quiet.stderr).toContain("[v1/fx] error: a error message\n");
    expect(quiet.stderr).not.toContain("info: a info message");
    const verbose = await callV1("log", {}, { verbose: true });
    expect(verbose.stderr).toContain("[v1/fx] debug: a debug message\n");
    expect(verbose.stderr).toContain("[v1/fx] info: a info message\n");
  });

  it("holds a server that logs in a loop to 20 lines, says so once, and shows them all with --verbose", async () => {
    const quiet = await callV1("log", { warnings: 100 });
    expect(quiet.result).toBe("logged");
    // "a warning message" and "a error message", then warnings 1 to 18: 20 lines.
    expect(quiet.stderr).toContain("[v1/fx] warning: warning 18\n");
    expect(quiet.stderr).not.toContain("warning 19");
    expect(quiet.stderr.match(/more than 20 log messages in 10 s/g)).toHaveLength(1);
    const verbose = await callV1("log", { warnings: 100 }, { verbose: true });
    expect(verbose.stderr).toContain("[v1/fx] warning: warning 100\n");
    expect(verbose.stderr).not.toContain("more than 20 log messages");
  });

  it.each<[string, boolean, boolean]>([
    ["debug", false, false],
    ["info", false, false],
    ["warning", false, true],
    ["emergency", false, true],
    ["debug", true, true],
  ])("showsLog(%s, verbose %s) is %s", (level, verbose, shown) => {
    expect(showsLog(level as never, verbose)).toBe(shown);
  });
});

describe("sampling", () => {
  it("is refused without --allow-sampling", async () => {
    const r = await callV1("sample", { question: "2+2?" });
    expect(r.result).toContain(
      "sampling is off in this agent run (the user can allow it with mcp-agent --allow-sampling)",
    );
    expect(r.api.requests).toHaveLength(2);
  });

  it("with --allow-sampling goes to the Messages API with the run's model, capped at 4096 tokens, shown and counted", async () => {
    const r = await callV1("sample", { question: "2+2?" }, { "allow-sampling": true, json: true }, {}, [
      done("Four."),
      done("Done."),
    ]);
    expect(r.code).toBe(0);
    const sampling = r.api.requests[1]?.body;
    expect(sampling?.max_tokens).toBe(4096);
    expect(sampling?.messages).toEqual([{ role: "user", content: [{ type: "text", text: "2+2?" }] }]);
    expect(toolResults(r.api.requests[2])[0]?.content[0]?.text).toMatch(/^model said: Four\. \(/);
    const out = JSON.parse(r.stdout);
    expect(out.transcript).toContainEqual({
      type: "notice",
      message: expect.stringMatching(
        /^v1 sampled the model \(\d+ in, \d+ out; \d+ of --sampling-budget left\): 2\+2\? → Four\.$/,
      ),
    });
    expect(out.summary["gen_ai.client.token.usage"].input).toBeGreaterThan(0);
  });

  it("stops granting once --sampling-budget is spent", async () => {
    const r = await callV1("sample", { question: "2+2?" }, { "allow-sampling": true, "sampling-budget": "0" });
    expect(toolResults(r.api.requests[1])[0]?.content[0]?.text).toContain("sampling budget of 0 tokens is spent");
    expect(r.stderr).toContain("v1 asked to sample; refused: the run's sampling budget of 0 tokens is spent");
  });
});

describe("progress", () => {
  it("--json keeps the server's progress reports as transcript events", async () => {
    const r = await callV1("slow", { ms: 450 }, { json: true });
    expect(r.code).toBe(0);
    const events = JSON.parse(r.stdout).transcript.filter((e: { type: string }) => e.type === "progress");
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events[0]).toMatchObject({
      name: "v1__slow",
      progress: expect.any(Number),
      total: 450,
      message: "crunching numbers",
    });
  });
});

describe("cancellation in the 2025 era", () => {
  it("--tool-timeout tells the server to cancel (notifications/cancelled), and it stops", async () => {
    const r = await callV1("slow", { ms: 10_000 }, { "tool-timeout": "300" }, {}, [
      calls(use("v1__cancelled", {})),
      done("Done."),
    ]);
    expect(r.result).toMatch(/^timed out after 300 ms \(--tool-timeout\)/);
    expect(toolResults(r.api.requests[2])[0]?.content[0]?.text).toBe("1");
  });
});

describe("canAsk", () => {
  it.each<[boolean, Record<string, string>, boolean, boolean]>([
    [false, {}, true, true],
    [true, {}, true, false],
    [false, { CI: "1" }, true, false],
    [false, {}, false, false],
  ])("json %s, env %j, TTY %s: %s", (json, env, tty, asks) => {
    expect(canAsk(json, env, tty)).toBe(asks);
  });
});
