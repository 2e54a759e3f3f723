import { afterEach, describe, expect, it } from "vitest";
import { done, type FakeApi, type Reply, startFakeApi } from "./fixtures/fake-api.js";
import { fixtureWorkspace, runAgent } from "./fixtures/harness.js";

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** An interactive session on `lines` piped in, the API answering from `script`. */
async function session(script: Reply[], lines: string[]) {
  api = await startFakeApi(script);
  const ws = fixtureWorkspace();
  const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: api.url };
  const r = await runAgent({ config: ws.config, workspace: ws.dir }, [], env, { stdin: `${lines.join("\n")}\n` });
  return { ...r, requests: api.requests };
}

describe("an ask the API refuses as sent, in a session", () => {
  it.each<[string, Reply, string]>([
    [
      "invalid (400)",
      { status: 400, type: "invalid_request_error", message: "messages.2.content.0: bad block" },
      "API error 400 invalid_request_error: messages.2.content.0: bad block",
    ],
  ])("%s: is taken out of the conversation, so the next line is sent without it", async (_, refusal, line) => {
    const r = await session([done("One."), refusal, done("Three.")], ["first", "second", "third"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `mcp-agent: ${line}; this ask was taken out of the conversation, so the next line is not sent with it`,
    );
    const next = r.requests[2]?.body.messages ?? [];
    expect(next.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(JSON.stringify(next)).not.toContain('"second"');
  });

  it("too large (413) even with the history shortened: is taken out, so the next line is sent without it", async () => {
    const tooLarge: Reply = {
      status: 413,
      type: "request_too_large",
      message: "Request exceeds the maximum allowed number of bytes.",
    };
    const r = await session([done("One."), tooLarge, tooLarge, done("Three.")], ["first", "second", "third"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "mcp-agent: the conversation is too long for the model's context (over the Messages API's request size limit), even with old tool output and exchanges removed; this ask was taken out of the conversation",
    );
    const next = r.requests[3]?.body.messages ?? [];
    expect(next.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(JSON.stringify(next)).not.toContain('"second"');
  });

  it("a failure that says nothing of the request (500) keeps the ask: the next line joins it", async () => {
    const failing: Reply = { status: 500, type: "api_error", message: "boom", headers: { "x-should-retry": "false" } };
    const r = await session([done("One."), failing, done("Three.")], ["first", "second", "third"]);
    expect(r.stderr).not.toContain("taken out of the conversation");
    expect(JSON.stringify(r.requests[2]?.body.messages.at(-1))).toContain('"second"');
  });
});
