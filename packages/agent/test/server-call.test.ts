import { mkdtempSync } from "node:fs";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveHttp, serverFactory, toolSet } from "@mcp-toolkit/core";
import { expect, it } from "vitest";
import type { ServerSpec } from "../src/config.js";
import { ServerPool, ToolCallError } from "../src/servers.js";
import { addTool } from "./fixtures/add-tool.js";
import { FIXTURE } from "./fixtures/harness.js";

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => "succeeded",
    (error: unknown) => (error as Error).message,
  );

it("does not promise a restart once a server that stops during calls has used up its restarts", async () => {
  const fx: ServerSpec = {
    kind: "stdio",
    name: "fx",
    command: process.execPath,
    args: [FIXTURE],
    env: {},
    builtin: false,
  };
  const pool = new ServerPool({ startupTimeoutMs: 10_000, env: { PATH: process.env.PATH } });
  try {
    expect(await pool.start([fx])).toEqual([]);
    const crash = () => failure(pool.call("fx", "crash", {}, { timeoutMs: 10_000 }));
    for (let i = 0; i < 3; i++) expect(await crash()).toMatch(/will be restarted on the next call/);
    // Restarted 3 times: the 4th stop is the last.
    const last = await crash();
    expect(last).toMatch(
      /^server "fx" stopped during the call \(exited with code 1\); it was restarted 3 times already/,
    );
    expect(last).not.toMatch(/will be restarted/);
    expect(await crash()).toMatch(/its tools are unavailable for this run/);
  } finally {
    await pool.close();
  }
});

it.each([
  [
    "a server that crashed each time",
    {},
    /^server "fx" stopped \(exited with code 1 — stderr: Error: disk image is malformed \| .*\) and was restarted 3 times already, so it will not be restarted again: its tools are unavailable for this run$/,
  ],
  [
    "a server whose restarts failed",
    { FIXTURE_BROKEN: "broken" },
    /^server "fx" stopped \(its restart failed: exited with code 3 — stderr: fixture: loading settings \| fixture: boom: disk image is malformed\) and was restarted 3 times already, so it will not be restarted again: its tools are unavailable for this run$/,
  ],
])("tells a call to %s, once given up, its last error as the server said it", async (_name, env, given) => {
  const dir = mkdtempSync(join(tmpdir(), "fx-broken-"));
  const fx: ServerSpec = {
    kind: "stdio",
    name: "fx",
    command: process.execPath,
    args: [FIXTURE],
    env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, join(dir, v)])),
    builtin: false,
  };
  const pool = new ServerPool({ startupTimeoutMs: 10_000, env: { PATH: process.env.PATH } });
  try {
    expect(await pool.start([fx])).toEqual([]);
    const why = { why: "disk image is malformed" };
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) answers.push(await failure(pool.call("fx", "crash", why, { timeoutMs: 10_000 })));
    expect(answers[0]).toMatch(
      /^server "fx" stopped during the call \(exited with code 1 — stderr: Error: disk image is malformed/,
    );
    // The last restart says at once that the server is given up, whether it crashed or could not start.
    expect(answers[3]).toMatch(/it was restarted 3 times already, so it will not be restarted again/);
    // Another of its tools: the server, that it is down for the run, and the last error it gave.
    expect(await failure(pool.call("fx", "echo", { text: "hi" }, { timeoutMs: 10_000 }))).toMatch(given);
  } finally {
    await pool.close();
  }
});

it("says a call to a remote server that went away got no answer, and counts it as a failure, not an answer", async () => {
  const endpoint = await serveHttp(
    serverFactory({ info: { name: "remote", version: "1.0.0" }, tools: toolSet([addTool]) }),
    { host: "127.0.0.1", port: 0, token: "t" },
  );
  const pool = new ServerPool({ startupTimeoutMs: 10_000, env: { PATH: process.env.PATH } });
  try {
    const spec = {
      kind: "http" as const,
      name: "remote",
      url: endpoint.url.href,
      headers: {},
      builtin: false as const,
    };
    expect(await pool.start([{ ...spec, headers: { Authorization: "Bearer t" } }])).toEqual([]);
    await endpoint.close();
    const error = await pool.call("remote", "add", { a: 1, b: 2 }, { timeoutMs: 5000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ToolCallError);
    expect((error as ToolCallError).message).toMatch(
      /^no answer from server "remote": the connection failed \(fetch failed: [^)]+\); it may be down or restarting/,
    );
    expect((error as ToolCallError).answered).toBe(false);
  } finally {
    await pool.close();
    await endpoint.close();
  }
});

it("says a remote server's proxy answering 502 with an error page could not take the call, in one line, and counts it", async () => {
  const endpoint = await serveHttp(
    serverFactory({ info: { name: "remote", version: "1.0.0" }, tools: toolSet([addTool]) }),
    { host: "127.0.0.1", port: 0, token: "t" },
  );
  let down = false;
  const page =
    "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<h1>502 Bad Gateway</h1>\n<hr>nginx\n</body>\n</html>\n";
  // A reverse proxy in front of the server: it forwards, or, with its upstream down, answers with nginx's page.
  const proxy = createServer((req, res) => {
    if (down) {
      req.resume();
      res.writeHead(502, { "content-type": "text/html" }).end(page);
      return;
    }
    const upstream = request(endpoint.url, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const pool = new ServerPool({ startupTimeoutMs: 10_000, env: { PATH: process.env.PATH } });
  try {
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${endpoint.url.pathname}`;
    const spec = {
      kind: "http" as const,
      name: "remote",
      url,
      headers: { Authorization: "Bearer t" },
      builtin: false as const,
    };
    expect(await pool.start([spec])).toEqual([]);
    down = true;
    const error = await pool.call("remote", "add", { a: 1, b: 2 }, { timeoutMs: 5000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ToolCallError);
    expect((error as ToolCallError).message).toBe(
      'server "remote" could not take the call: the server answered HTTP 502 (Bad Gateway): 502 Bad Gateway 502 Bad Gateway nginx; it may be down or restarting — retrying later may work',
    );
    expect((error as ToolCallError).answered).toBe(false);
  } finally {
    await pool.close();
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
    await endpoint.close();
  }
});

it("says a reply too large to read was dropped by the agent, at once, even when the server names its id last", async () => {
  const fx: ServerSpec = {
    kind: "stdio",
    name: "fx",
    command: process.execPath,
    args: [FIXTURE],
    env: { FIXTURE_ID_LAST: "1" },
    builtin: false,
  };
  const pool = new ServerPool({ startupTimeoutMs: 10_000, env: { PATH: process.env.PATH } });
  try {
    expect(await pool.start([fx])).toEqual([]);
    // A call left to time out would outlast the test's own time limit: the answer comes as the line ends.
    const text = await failure(pool.call("fx", "big", { n: 11 * 1024 * 1024 }, { timeoutMs: 60_000 }));
    expect(text).toBe(
      `server "fx" answered, but the server's reply was over 10 MiB, more than the agent reads, and was dropped; ask for less (a smaller range, a LIMIT, a page)`,
    );
    // The server is still there, and answers a small call.
    expect(await failure(pool.call("fx", "big", { n: 3 }, { timeoutMs: 10_000 }))).toBe("succeeded");
  } finally {
    await pool.close();
  }
});

it.each([
  [
    "a reply pretty-printed over many lines: the timeout says what it wrote, not to send less",
    { FIXTURE_PRETTY: "1" },
    ["echo", { text: "hi" }],
    /^timed out after 300 ms \(--tool-timeout\); the server was told to cancel — it wrote \d+ lines that are not JSON-RPC to stdout, e\.g\. "\\"jsonrpc\\": \\"2\.0\\","; MCP servers must log to stderr$/,
  ],
  [
    "a banner at start, then a slow call: only the call's own lines count",
    {},
    ["slow", { ms: 5000 }],
    /^timed out after 300 ms \(--tool-timeout\); the server was told to cancel — try a smaller request$/,
  ],
])(
  "a stdio server that writes lines that are not JSON-RPC to stdout: %s; the first few are reported for --verbose",
  async (_name, env, [tool, args], expected) => {
    const { fx, pool, reported } = reportingFixture({ FIXTURE_BANNER: "5", ...env });
    try {
      expect(await pool.start([fx])).toEqual([]);
      expect(reported).toEqual([
        '[fx] stdout, not JSON-RPC, ignored: "fixture banner 1"',
        '[fx] stdout, not JSON-RPC, ignored: "fixture banner 2"',
        '[fx] stdout, not JSON-RPC, ignored: "fixture banner 3" (later ones are not shown)',
      ]);
      expect(
        await failure(pool.call("fx", tool as string, args as Record<string, unknown>, { timeoutMs: 300 })),
      ).toMatch(expected);
      expect(reported).toHaveLength(3);
    } finally {
      await pool.close();
    }
  },
);

it("a stdio server answering under ids it was never sent: reported for --verbose, and the timeout says so", async () => {
  const { fx, pool, reported } = reportingFixture({ FIXTURE_WRONG_ID: "1" });
  try {
    expect(await pool.start([fx])).toEqual([]);
    // Before, the call looked hung: "try a smaller request".
    expect(await failure(pool.call("fx", "echo", { text: "hi" }, { timeoutMs: 300 }))).toMatch(
      /^timed out after 300 ms \(--tool-timeout\); the server was told to cancel — it sent 1 answer with an id no call was waiting for \(the latest "\d+-reply"\); an MCP server must answer with the id of the request it answers$/,
    );
    expect(reported).toEqual([
      expect.stringMatching(/^\[fx\] answered id "\d+-reply", which no call was waiting for: ignored$/),
    ]);
  } finally {
    await pool.close();
  }
});

/** The fixture server "fx" with `env`, in a pool whose --verbose lines (`[fx] …`) are kept in `reported`. */
function reportingFixture(env: Record<string, string>) {
  const fx: ServerSpec = { kind: "stdio", name: "fx", command: process.execPath, args: [FIXTURE], env, builtin: false };
  const reported: string[] = [];
  const pool = new ServerPool({
    startupTimeoutMs: 10_000,
    env: { PATH: process.env.PATH },
    onStderr: (server, line) => reported.push(`[${server}] ${line}`),
  });
  return { fx, pool, reported };
}

/**
 * The add server behind a proxy that, once `answer` is set, answers every request itself with it: a sign-in page
 * of a single sign-on proxy whose login ran out, or a REST API's JSON at a URL that is not the MCP endpoint.
 */
async function standIn() {
  const endpoint = await serveHttp(
    serverFactory({ info: { name: "remote", version: "1.0.0" }, tools: toolSet([addTool]) }),
    { host: "127.0.0.1", port: 0, token: "t" },
  );
  const state: { answer?: { type: string; body: string } } = {};
  const proxy = createServer((req, res) => {
    if (state.answer)
      return void req
        .resume()
        .on("end", () => res.writeHead(200, { "content-type": state.answer?.type }).end(state.answer?.body));
    const upstream = request(endpoint.url, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${endpoint.url.pathname}`;
  const spec: ServerSpec = {
    kind: "http",
    name: "remote",
    url,
    headers: { Authorization: "Bearer t" },
    builtin: false,
  };
  const close = async () => {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
    await endpoint.close();
  };
  return { state, spec, close };
}

const SIGN_IN = { type: "text/html", body: "<html><body><h1>Sign in to Acme SSO</h1></body></html>" };
const REST = { type: "application/json", body: '{"status":"ok"}' };

it.each([
  ["a sign-in page", SIGN_IN, "Unexpected content type: text/html"],
  ["JSON that is not JSON-RPC", REST, "the server's answer is JSON but not a JSON-RPC message"],
])("says a call answered with %s was answered by something that is not MCP, in one line", async (_, answer, why) => {
  const { state, spec, close } = await standIn();
  const pool = new ServerPool({ startupTimeoutMs: 10_000, env: { PATH: process.env.PATH } });
  try {
    expect(await pool.start([spec])).toEqual([]);
    state.answer = answer;
    // Before, "refused the call: " and the SDK's words, for JSON a validator's report of 150 lines.
    expect(await failure(pool.call("remote", "add", { a: 1, b: 2 }, { timeoutMs: 5000 }))).toBe(
      `server "remote" answered the call with something that is not MCP (${why}); a proxy or sign-in page in front of it may have answered — tell the user, calling again will not help`,
    );
  } finally {
    await pool.close();
    await close();
  }
});

it("says a URL answered with JSON that is not JSON-RPC is likely not the MCP endpoint, in one line", async () => {
  const { state, spec, close } = await standIn();
  state.answer = REST;
  const pool = new ServerPool({ startupTimeoutMs: 10_000, env: { PATH: process.env.PATH } });
  try {
    const [failed] = await pool.start([spec]);
    expect(failed?.line).toMatch(
      /^server "remote" failed to start \(http:\S+\): .*the server's answer is JSON but not a JSON-RPC message — check that its url is the server's MCP endpoint \(often ending in \/mcp\), not a web page or another API$/,
    );
  } finally {
    await pool.close();
    await close();
  }
});
