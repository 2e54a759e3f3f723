import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { lookUpModel } from "../src/api.js";
import type { AgentConfig } from "../src/config.js";
import { done, type FakeApi, type Reply, startFakeApi } from "./fixtures/fake-api.js";
import { fixtureWorkspace, runAgent } from "./fixtures/harness.js";

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
/** The start of a streamed reply: the message, a text block and its first words. */
const started =
  event("message_start", {
    type: "message_start",
    message: {
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-5-5",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 1 },
    },
  }) +
  event("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }) +
  event("content_block_delta", {
    type: "content_block_delta",
    index: 0,
    delta: { type: "text_delta", text: "Hello, I am wri" },
  });

async function agent(
  reply: Reply | Reply[],
  path = "",
  flags: Record<string, string | boolean> = {},
  streamIdleMs = 300,
) {
  api = await startFakeApi(Array.isArray(reply) ? reply : [reply]);
  const ws = fixtureWorkspace();
  const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: `${api.url}${path}` };
  // A stalled reply is given up after 300 ms here, not the default minutes.
  const adjust = (config: AgentConfig) => {
    config.streamIdleMs = streamIdleMs;
  };
  return runAgent({ config: ws.config, workspace: ws.dir, "max-retries": "0", ...flags }, ["say hello"], env, {
    adjust,
  });
}

describe("a streamed reply that goes wrong after it started", () => {
  it.each([
    [
      "an error event (the API overloaded mid-reply)",
      {
        body: `${started}${event("error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } })}`,
      },
      "the Messages API broke off its reply: overloaded_error: Overloaded; try again in a moment",
    ],
    [
      "the connection dropped mid-reply",
      { body: started, cut: true },
      "the connection to the Messages API broke off in the middle of the reply (terminated",
    ],
    [
      "the stream ended before message_stop",
      { body: started },
      "the Messages API ended its reply before it was complete (no message_stop event); try again",
    ],
    [
      "the stream stalled, the connection left open",
      { body: started, stall: true },
      "the Messages API sent nothing for 300 ms in the middle of its reply; try again",
    ],
    [
      "an event that is not JSON",
      { body: `${started}event: content_block_delta\ndata: {not json\n\n` },
      "the Messages API sent a stream event that is not JSON (",
    ],
    [
      "a body with no events (a proxy's HTML page)",
      { body: "<html>502 Bad Gateway</html>" },
      "the Messages API answered with no stream events (an empty reply, or not an event stream); check that ANTHROPIC_BASE_URL is a Messages API endpoint",
    ],
  ])("%s: one line that says so, exit 1", async (_case, reply, line) => {
    const r = await agent(reply);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`mcp-agent: ${line}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("an API that never answers a streamed request (no response headers)", () => {
  it("is given up after the stream watchdog's time, not the SDK's 10 minutes, in one line", async () => {
    const r = await agent({ hang: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "mcp-agent: the Messages API sent no answer for 300 ms (not even its response headers); check ANTHROPIC_BASE_URL and the network, or try again",
    );
  });

  it("within --max-retries, is asked again, each retry reported in one line", async () => {
    const r = await agent([{ hang: true }, done("Recovered.")], "", { "max-retries": "1" });
    expect(r.code).toBe(0);
    expect(api?.requests).toHaveLength(2);
    expect(r.stderr).toMatch(/mcp-agent: API sent no answer for 300 ms; retrying in [\d.–]+ (ms|s) \(1\/1\)/);
    expect(r.stdout).toBe("Recovered.\n");
  });
});

describe("a connection the API resets before answering", () => {
  it("is asked again within --max-retries, each retry reported in one line with what failed", async () => {
    const r = await agent([{ reset: true }, { reset: true }, done("Recovered.")], "", { "max-retries": "2" });
    expect(r.code).toBe(0);
    expect(api?.requests).toHaveLength(3);
    expect(r.stderr).toMatch(
      /^mcp-agent: API connection failed \(fetch failed: [^)]+\); retrying in [\d.–]+ (ms|s) \(1\/2\)$/m,
    );
    expect(r.stderr).toMatch(/^mcp-agent: API connection failed \(.+\); retrying in [\d.–]+ (ms|s) \(2\/2\)$/m);
    expect(r.stderr).toContain("2 API retries");
    expect(r.stdout).toBe("Recovered.\n");
  });

  it("past --max-retries, ends in one line saying the API could not be reached", async () => {
    const r = await agent([{ reset: true }, { reset: true }], "", { "max-retries": "1" });
    expect(r.code).toBe(1);
    expect(r.stderr.match(/retrying in/g)).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^mcp-agent: cannot reach the Messages API \(.+\); check ANTHROPIC_BASE_URL and the network$/m,
    );
  });
});

describe("a base URL that is not the Messages API", () => {
  it("ending in /v1 (a 404 with no API error in it) is named as the likely mistake", async () => {
    const r = await agent({ body: "" }, "/v1");
    expect(r.code).toBe(1);
    expect(api?.others).toContain("POST /v1/v1/messages");
    expect(r.stderr).toContain(
      "mcp-agent: API error 404 (no Messages API error in the reply): check that ANTHROPIC_BASE_URL is a Messages API endpoint, its origin without /v1 (https://api.anthropic.com)",
    );
  });
});

describe("an HTTP error that is no Messages API error (a proxy's or gateway's page)", () => {
  const page = (title: string, text: string) =>
    `<!DOCTYPE html><html><head><title>${title}</title><style>body { font: 14px sans-serif }</style></head><body><h1>${text}</h1><script>var x = 1;</script></body></html>`;
  it.each([
    [
      403,
      page("Access denied", "Blocked by the corporate proxy"),
      "mcp-agent: API error 403 (no Messages API error in the reply: a proxy or gateway on the way may have answered): Access denied Blocked by the corporate proxy; check that ANTHROPIC_BASE_URL is a Messages API endpoint and that the network lets it through",
    ],
    [
      502,
      page("502 Bad Gateway", "Bad Gateway"),
      "mcp-agent: API error 502 (no Messages API error in the reply: a proxy or gateway on the way may have answered): 502 Bad Gateway Bad Gateway; try again, and if it goes on, check that ANTHROPIC_BASE_URL is a Messages API endpoint and that the network lets it through",
    ],
    [
      503,
      "",
      "mcp-agent: API error 503 (no Messages API error in the reply: a proxy or gateway on the way may have answered); try again, and if it goes on, check that ANTHROPIC_BASE_URL",
    ],
  ])("HTTP %i: the page's text on one line, with what to check", async (status, body, line) => {
    const r = await agent({ status, body, contentType: "text/html" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(line);
    expect(r.stderr).not.toContain("<");
  });
});

describe("a JSON reply (--json) that is not a message", () => {
  it.each([
    [
      "a body cut short",
      { body: '{"id":"msg_1","content":[', contentType: "application/json" },
      "the Messages API sent a reply that is not JSON (",
    ],
    [
      "a proxy's HTML page",
      { body: "<html>Sign in to the proxy</html>", contentType: "text/html" },
      "the Messages API answered with something that is not a message (",
    ],
  ])("%s: one line that says so, exit 1", async (_case, reply, line) => {
    const r = await agent(reply, "", { json: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`mcp-agent: ${line}`);
  });
});

describe("a streamed reply that broke off, asked for again", () => {
  const overloaded = event("error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
  it.each([
    ["overloaded mid-reply", { body: `${started}${overloaded}` }, "broke off its reply"],
    ["the connection dropped", { body: started, cut: true }, "broke off its reply"],
    ["the stream ended before message_stop", { body: started }, "broke off its reply"],
    ["the stream stalled", { body: started, stall: true }, "sent nothing for 300 ms"],
  ])("%s: within --max-retries, the next reply is the answer", async (_case, broken, what) => {
    const r = await agent([broken, done("Recovered.")], "", { "max-retries": "1" });
    expect(r.code).toBe(0);
    expect(api?.requests).toHaveLength(2);
    expect(r.stderr).toContain(`mcp-agent: the API ${what}; asking again (1/1)`);
    // Written to a pipe, the broken-off attempt's "Hello, I am wri" never reaches the output.
    expect(r.stdout).toBe("Recovered.\n");
    expect(r.stderr).toMatch(/· 1 API retry/);
  });

  it("counts the tokens of the attempt that broke off, as far as the API reported them, in the summary", async () => {
    const r = await agent([{ body: started, cut: true }, done("Recovered.")], "", { "max-retries": "1" });
    expect(r.code).toBe(0);
    // message_start's 10 in and 1 out, then the whole reply's 100 (and 50 written to the cache, 30 read) and 20.
    expect(r.stderr).toMatch(/tokens: 190 input, 21 output, [^\n]* · 1 API retry · incl\. 1 interrupted reply\n/);
  });

  it("is not asked for again once the tokens it was billed reach --token-budget: the budget holds before every request", async () => {
    // message_start's 10 in and 1 out reach a budget of 11.
    const r = await agent([{ body: started, cut: true }, done("never asked")], "", {
      "max-retries": "1",
      "token-budget": "11",
    });
    expect(r.code).toBe(3);
    expect(api?.requests).toHaveLength(1);
    expect(r.stderr).toMatch(/used 11 tokens, reaching --token-budget 11; raise --token-budget or split the task/);
    expect(r.stderr).not.toMatch(/asking again/);
  });

  it("a stream event that is not JSON is not asked for again", async () => {
    const r = await agent([{ body: `${started}event: content_block_delta\ndata: {not json\n\n` }, done("never")], "", {
      "max-retries": "1",
    });
    expect(r.code).toBe(1);
    expect(api?.requests).toHaveLength(1);
  });
});

describe("a streamed reply that only sends pings for a while", () => {
  it("is not taken for stalled: pings count as signs of life, though the SDK drops them", async () => {
    const rest =
      event("content_block_delta", {
        type: "content_block_delta",
        index: 0,
        delta: { type: "text_delta", text: "ting." },
      }) +
      event("content_block_stop", { type: "content_block_stop", index: 0 }) +
      event("message_delta", {
        type: "message_delta",
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: { output_tokens: 5 },
      }) +
      event("message_stop", { type: "message_stop" });
    // Quiet but for pings for twice the 1 s watchdog; a ping every 30 ms keeps it fed, with room for a loaded machine.
    const r = await agent({ body: started, pings: { count: 70, everyMs: 30, rest } }, "", { "max-retries": "1" }, 1000);
    expect(r.stderr).not.toMatch(/sent nothing/);
    expect(r.code).toBe(0);
    expect(api?.requests).toHaveLength(1);
    expect(r.stdout).toContain("Hello, I am writing.");
  });
});

describe("the Models API look-up (lookUpModel)", () => {
  /** lookUpModel against a server on 127.0.0.1 that answers `GET /v1/models/{id}` with `answer`. */
  async function lookUp(answer: (res: ServerResponse) => void) {
    const seen: { url?: string; headers: IncomingHttpHeaders }[] = [];
    const server = createServer((req, res) => {
      seen.push({ url: req.url, headers: req.headers });
      answer(res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = { apiKey: "test-key", model: "claude-x-latest", baseURL, maxRetries: 3 } as AgentConfig;
    try {
      return { facts: await lookUpModel(config, import("@anthropic-ai/sdk"), 300), seen };
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }

  it("reads the model's facts, asked once with the run's credentials", async () => {
    const { facts, seen } = await lookUp((res) =>
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ type: "model", id: "claude-x-20270101", max_input_tokens: 200_000 })),
    );
    expect(facts).toEqual({ maxInput: 200_000 });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe("/v1/models/claude-x-latest");
    // The SDK sends the key as a bearer token or as x-api-key, by version: the one the Messages client sends.
    expect(`${seen[0]?.headers.authorization} ${seen[0]?.headers["x-api-key"]}`).toContain("test-key");
  });

  it.each<[string, (res: ServerResponse) => void]>([
    ["a gateway's 404", (res) => res.writeHead(404).end()],
    ["a proxy's HTML page", (res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>sign in</html>")],
    // Headers at once, then nothing: the SDK's own timeout ends at the headers.
    ["an answer whose body stalls", (res) => res.writeHead(200, { "content-type": "application/json" }).write("{")],
  ])("says nothing of the model for %s, asked once", async (_, answer) => {
    const { facts, seen } = await lookUp(answer);
    expect(facts ?? {}).toEqual({});
    expect(seen).toHaveLength(1);
  });
});
