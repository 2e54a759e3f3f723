// A remote server's broken event stream, reopened by the SDK: each attempt reported in one line before its wait.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ServerPool } from "../src/servers.js";
import { reportedReconnection, STREAM_RECONNECTION, streamRetryLine } from "../src/stream-retry.js";
import { calls, done, startFakeApi, use } from "./fixtures/fake-api.js";
import { runAgent } from "./fixtures/harness.js";
import { type StatefulServer, startStatefulServer } from "./fixtures/legacy-servers.js";
import { waitUntil } from "./fixtures/procs.js";

describe("streamRetryLine", () => {
  it.each<[string, string | undefined, number, number, string]>([
    [
      "the break, then the first wait",
      "SSE stream disconnected: TypeError: terminated",
      0,
      1000,
      'server "old": its event stream broke (SSE stream disconnected: TypeError: terminated); reconnecting in 1 s (attempt 1 of 2)',
    ],
    [
      "a failed reopening, then the longer wait",
      "fetch failed: connect ECONNREFUSED 127.0.0.1:9",
      1,
      1500,
      'server "old": reopening its event stream failed (fetch failed: connect ECONNREFUSED 127.0.0.1:9); reconnecting in 1.5 s (attempt 2 of 2)',
    ],
    [
      "nothing known of the failure, and a wait the server asked for",
      undefined,
      0,
      250,
      'server "old": its event stream broke; reconnecting in 250 ms (attempt 1 of 2)',
    ],
  ])("%s", (_, failure, attempt, delayMs, line) => {
    expect(streamRetryLine("old", failure, attempt, delayMs)).toBe(line);
  });
});

describe("reportedReconnection", () => {
  it("names the break for the first attempt, and for a later one the cause the SDK reported before its own wrapper", () => {
    const lines: string[] = [];
    const reconnection = reportedReconnection("old", (line) => lines.push(line));
    reconnection.onerror(new Error("an error long before"));
    reconnection.onerror(new Error("SSE stream disconnected: TypeError: terminated"));
    reconnection.schedule(() => {}, 1000, 0)?.();
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
      code: "ECONNREFUSED",
      syscall: "connect",
    });
    reconnection.onerror(new TypeError("fetch failed", { cause: refused }));
    reconnection.onerror(new Error("Failed to reconnect SSE stream: fetch failed"));
    reconnection.schedule(() => {}, 1500, 1)?.();
    reconnection.onerror(new TypeError("fetch failed", { cause: refused }));
    reconnection.onerror(new Error("Failed to reconnect SSE stream: fetch failed"));
    reconnection.onerror(new Error("Maximum reconnection attempts (2) exceeded."));
    expect(lines).toEqual([
      'server "old": its event stream broke (SSE stream disconnected: TypeError: terminated); reconnecting in 1 s (attempt 1 of 2)',
      'server "old": reopening its event stream failed (fetch failed: connect ECONNREFUSED 127.0.0.1:9); reconnecting in 1.5 s (attempt 2 of 2)',
      'server "old": reopening its event stream failed (fetch failed: connect ECONNREFUSED 127.0.0.1:9) at the last of 2 attempts; its notifications and questions stop for this run, and its calls still go through while it answers',
    ]);
  });
});

describe("a 2025-era server's event stream, broken", () => {
  let remote: StatefulServer | undefined;
  let pool: ServerPool | undefined;
  afterEach(async () => {
    await pool?.close();
    await remote?.close();
    pool = remote = undefined;
  });

  /** A pool connected to a stateful server (which opens its GET event stream), and the notices it gives. */
  async function connected(): Promise<{ pool: ServerPool; notices: string[] }> {
    remote = await startStatefulServer();
    const notices: string[] = [];
    pool = new ServerPool({ startupTimeoutMs: 5000, env: {}, onNotice: (line) => notices.push(line) });
    expect(await pool.start([{ kind: "http", name: "old", url: remote.url, headers: {}, builtin: false }])).toEqual([]);
    // The GET stream opens once the session is initialized; a call proves it is up.
    await pool.call("old", "hello", {}, { timeoutMs: 5000 });
    return { pool, notices };
  }

  it("reports the reopening of a stream the server cut, once, when it comes back at the first attempt", async () => {
    const { pool, notices } = await connected();
    remote?.cut();
    expect(await waitUntil(() => notices.length > 0)).toBe(true);
    // Past the second attempt's time: it was not needed.
    await new Promise((resolve) => setTimeout(resolve, STREAM_RECONNECTION.initialReconnectionDelay * 2.7));
    expect(notices).toEqual([
      expect.stringMatching(
        /^server "old": its event stream broke \(SSE stream disconnected: .+\); reconnecting in 1 s \(attempt 1 of 2\)$/,
      ),
    ]);
    const answer = await pool.call("old", "hello", {}, { timeoutMs: 5000 });
    expect(answer.content).toEqual([{ type: "text", text: "hello, session 1" }]);
  });

  it("reports every attempt at a server gone for good, with what failed and the next wait, and the end of them", async () => {
    const { notices } = await connected();
    await remote?.close();
    expect(await waitUntil(() => notices.length >= 3, 10_000)).toBe(true);
    expect(notices).toEqual([
      expect.stringMatching(/^server "old": its event stream broke \(.+\); reconnecting in 1 s \(attempt 1 of 2\)$/),
      expect.stringMatching(
        /^server "old": reopening its event stream failed \(fetch failed: connect ECONNREFUSED 127\.0\.0\.1:\d+\); reconnecting in 1\.5 s \(attempt 2 of 2\)$/,
      ),
      expect.stringMatching(
        /^server "old": reopening its event stream failed \(fetch failed: connect ECONNREFUSED 127\.0\.0\.1:\d+\) at the last of 2 attempts; its notifications and questions stop for this run/,
      ),
    ]);
  }, 20_000);
});

describe("a run whose remote server's event stream breaks", () => {
  it("--json: each reopening is a notice in the transcript and a line on stderr, as other notices are", async () => {
    const remote = await startStatefulServer();
    // The API's answer after the tool call waits a second: the stream is cut meanwhile.
    const api = await startFakeApi([
      calls(use("old__hello", {})),
      { status: 529, type: "overloaded_error", message: "Overloaded", headers: { "retry-after": "1" } },
      done("done"),
    ]);
    try {
      const config = join(mkdtempSync(join(tmpdir(), "agent-config-")), "mcp.json");
      const off = { disabled: true };
      writeFileSync(config, JSON.stringify({ mcpServers: { old: { url: remote.url }, file: off, db: off, api: off } }));
      const workspace = mkdtempSync(join(tmpdir(), "agent-test-"));
      const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
      const running = runAgent({ config, workspace, json: true }, ["hello"], env);
      expect(await waitUntil(() => api.requests.length >= 2)).toBe(true);
      remote.cut();
      const r = await running;
      expect(r.code).toBe(0);
      const line = /^server "old": its event stream broke \(.+\); reconnecting in 1 s \(attempt 1 of 2\)$/;
      const notices = (JSON.parse(r.stdout) as { transcript: { type: string; message?: string }[] }).transcript
        .filter((event) => event.type === "notice")
        .map((event) => event.message);
      expect(notices).toContainEqual(expect.stringMatching(line));
      const stderr = r.stderr.split("\n").filter((l) => l.includes("event stream"));
      expect(stderr).toEqual([expect.stringMatching(new RegExp(`^mcp-agent: ${line.source.slice(1)}`))]);
    } finally {
      await api.close();
      await remote.close();
    }
  });
});
