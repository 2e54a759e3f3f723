import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineTool, type HttpEndpoint, ok, serveHttp, serverFactory, toolSet } from "@mcp-toolkit/core";
import { afterEach, describe, expect, it } from "vitest";
import type { ServerSpec } from "../src/config.js";
import { resolveConfig } from "../src/resolve-config.js";
import { getPrompt } from "../src/server-prompts.js";
import { ServerPool } from "../src/servers.js";
import { addTool } from "./fixtures/add-tool.js";
import { calls, startFakeApi, use } from "./fixtures/fake-api.js";
import { FIXTURE, runAgent } from "./fixtures/harness.js";
import { startStatefulServer } from "./fixtures/legacy-servers.js";
import { isAlive, isReaped, waitUntil } from "./fixtures/procs.js";

const fixture = (name: string, env: Record<string, string> = {}): ServerSpec => ({
  kind: "stdio",
  name,
  command: process.execPath,
  args: [FIXTURE],
  env,
  builtin: false,
});
const textOf = (r: { content?: unknown }) => (r.content as { text: string }[])[0]?.text;

let pool: ServerPool | undefined;
let endpoint: HttpEndpoint | undefined;
afterEach(async () => {
  await pool?.close();
  await endpoint?.close();
  pool = undefined;
  endpoint = undefined;
});

function newPool(): ServerPool {
  pool = new ServerPool({ startupTimeoutMs: 10_000, env: { PATH: process.env.PATH } });
  return pool;
}

describe("ServerPool", () => {
  it("starts servers in parallel, lists paginated tools, and reports a failed start in one line while the rest go on", async () => {
    const p = newPool();
    const failures = await p.start([
      fixture("good", { FIXTURE_EXTRA_TOOLS: "5" }),
      fixture("broken", { FIXTURE_FAIL_START: "bad settings" }),
      { kind: "stdio", name: "missing", command: "/nonexistent/mcp-server", args: ["--x"], env: {}, builtin: false },
    ]);
    expect(p.tools.filter((t) => t.server === "good")).toHaveLength(17);
    expect(p.running.map((s) => s.name)).toEqual(["good"]);
    expect(failures).toHaveLength(2);
    const [broken, missing] = failures.map((f) => f.line);
    expect(broken).toMatch(
      /^server "broken" failed to start \(\S+node \S+fixture-server\.mjs\): exited with code 3 — stderr: fixture: loading settings \| fixture: boom: bad settings$/,
    );
    expect(missing).toMatch(/^server "missing" failed to start \(\/nonexistent\/mcp-server --x\): command not found/);
    expect(broken).not.toContain("\n");
  });

  it("says a tool list too large to read was the start-up's answer, not a call's", async () => {
    const [failure] = await newPool().start([fixture("huge", { FIXTURE_HUGE_TOOL: "11" })]);
    // Before, it ended "ask for less (a smaller range, a LIMIT, a page)", advice for a tool call's result.
    expect(failure?.line).toMatch(
      /^server "huge" failed to start \(.*\): the server's reply was over 10 MiB, more than the agent reads, and was dropped: its answer to initialize or tools\/list, which a server with that many tools must page \(nextCursor\)$/,
    );
  });

  it("starts the built-in file server on one workspace with ':' and ',' in its path, from MCP_WORKSPACE as JSON", async () => {
    const dir = mkdtempSync(join(tmpdir(), "agent-pool-colon-"));
    try {
      // Split on ':' this is two absolute folders that both exist, so a split would start and serve the wrong one.
      const workspace = `${dir}/a:${dir}/b, c`;
      for (const decoy of ["a", "b, c"]) {
        mkdirSync(join(dir, decoy));
        writeFileSync(join(dir, decoy, "decoy.txt"), "wrong root");
      }
      mkdirSync(join(workspace, "x:y"), { recursive: true });
      writeFileSync(join(workspace, "seen.txt"), "right root");
      writeFileSync(join(workspace, "x:y", "secret.txt"), "hidden");
      // The agent's environment reaches the servers it starts, so the file server sees these variables too.
      const env = { PATH: process.env.PATH, MCP_WORKSPACE: JSON.stringify([workspace]), MCP_FS_HIDE: '["x:y"]' };
      const config = resolveConfig({}, [], env, dir);
      expect(config.workspace).toBe(workspace);
      pool = new ServerPool({ startupTimeoutMs: 10_000, env });
      const file = config.servers.find((s) => s.name === "file") as ServerSpec;
      expect(await pool.start([file])).toEqual([]);
      const listed = textOf(await pool.call("file", "list_directory", {}, { timeoutMs: 10_000 }));
      expect(listed).toContain("seen.txt");
      expect(listed).not.toContain("decoy.txt");
      expect(listed).not.toContain("x:y");
      const written = await pool.call("file", "write_file", { path: "new.txt", content: "x" }, { timeoutMs: 10_000 });
      expect(written.isError, JSON.stringify(written)).toBeFalsy();
      expect(textOf(await pool.call("file", "list_directory", {}, { timeoutMs: 10_000 }))).toContain("new.txt");
      const secret = await pool.call("file", "read_file", { path: "x:y/secret.txt" }, { timeoutMs: 10_000 });
      expect(secret.isError).toBe(true);
    } finally {
      await pool?.close();
      pool = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives up on a server that never answers after --startup-timeout, in one line", async () => {
    // Long enough for a healthy server to start on a loaded machine (300 ms was not, with parallel test runs).
    pool = new ServerPool({ startupTimeoutMs: 2000, env: { PATH: process.env.PATH } });
    const failures = await pool.start([fixture("hung", { FIXTURE_SILENT: "1" }), fixture("ok")]);
    expect(failures.map((f) => f.line)).toEqual([
      expect.stringMatching(
        /^server "hung" failed to start \(.*\): no answer within 2000 ms \(--startup-timeout; raise it for a server that is slow to start\)$/,
      ),
    ]);
    expect(pool.running.map((s) => s.name)).toEqual(["ok"]);
    const pid = pool.pids().hung as number;
    expect(await waitUntil(() => !isAlive(pid))).toBe(true);
  });

  it("restarts a server killed from outside on its next call, with its tool list intact", async () => {
    const p = newPool();
    await p.start([fixture("fx")]);
    const toolsBefore = p.tools.map((t) => t.name);
    const pid = Number(textOf(await p.call("fx", "pid", {}, { timeoutMs: 5000 })));
    process.kill(pid, "SIGKILL");
    // The pool has seen its connection close, as a server killed between calls leaves it.
    expect(await waitUntil(() => p.status().find((s) => s.name === "fx")?.state === "dead")).toBe(true);
    const again = await p.call("fx", "pid", {}, { timeoutMs: 5000 });
    expect(Number(textOf(again))).not.toBe(pid);
    expect(textOf(await p.call("fx", "echo", { text: "after" }, { timeoutMs: 5000 }))).toBe("after");
    expect(p.tools.map((t) => t.name)).toEqual(toolsBefore);
  });

  it("restarts a server that died just before a call and sends it the call, which never reached the dead one", async () => {
    const p = newPool();
    // A helper holding its stdout keeps the connection open a moment after the server dies: the call comes then.
    const server = `exec "${process.execPath}" "${FIXTURE}"`;
    await p.start([
      { kind: "stdio", name: "fx", command: "sh", args: ["-c", `sleep 30 & ${server}`], env: {}, builtin: false },
    ]);
    const pid = Number(textOf(await p.call("fx", "pid", {}, { timeoutMs: 5000 })));
    process.kill(pid, "SIGKILL");
    // Reaped, so the pool has heard it exit (the helper holds the connection open a while longer).
    expect(await waitUntil(() => isReaped(pid))).toBe(true);
    expect(textOf(await p.call("fx", "echo", { text: "after" }, { timeoutMs: 5000 }))).toBe("after");
    expect(p.status().find((s) => s.name === "fx")).toMatchObject({ restarts: 1 });
  });

  it("kills the whole process tree on close, grandchildren included", async () => {
    const p = newPool();
    await p.start([fixture("fx")]);
    const server = p.pids().fx as number;
    const grandchild = Number(textOf(await p.call("fx", "grandchild", {}, { timeoutMs: 5000 })));
    expect(isAlive(grandchild)).toBe(true);
    await p.close();
    expect(await waitUntil(() => !isAlive(server) && !isAlive(grandchild))).toBe(true);
  });

  it("connects to a Streamable HTTP server by URL with headers, and reports a refused one", async () => {
    endpoint = await serveHttp(
      serverFactory({ info: { name: "remote", version: "1.0.0" }, tools: toolSet([addTool]) }),
      {
        host: "127.0.0.1",
        port: 0,
        token: "secret-token",
      },
    );
    const url = endpoint.url.href;
    const p = newPool();
    const failures = await p.start([
      { kind: "http", name: "remote", url, headers: { Authorization: "Bearer secret-token" }, builtin: false },
      { kind: "http", name: "nokey", url, headers: {}, builtin: false },
    ]);
    expect(p.tools.map((t) => `${t.server}/${t.name}`)).toEqual(["remote/add"]);
    expect(textOf(await p.call("remote", "add", { a: 2, b: 3 }, { timeoutMs: 5000 }))).toBe("5");
    expect(failures.map((f) => f.line)).toEqual([
      expect.stringMatching(
        /^server "nokey" failed to start \(http:\/\/127\.0\.0\.1:\d+\/mcp\): Unauthorized \(HTTP 401\), and nokey publishes no OAuth metadata: give its credentials in its mcp\.json "headers"/,
      ),
    ]);
  });

  it('says to drop "type": "sse" for a Streamable HTTP server that refuses the SSE client\'s GET', async () => {
    endpoint = await serveHttp(
      serverFactory({ info: { name: "remote", version: "1.0.0" }, tools: toolSet([addTool]) }),
      { host: "127.0.0.1", port: 0, token: "secret-token" },
    );
    const headers = { Authorization: "Bearer secret-token" };
    const p = newPool();
    const failures = await p.start([
      { kind: "http", name: "moved", url: endpoint.url.href, headers, builtin: false, transport: "sse" },
    ]);
    expect(p.running).toEqual([]);
    expect(failures.map((f) => f.line)).toEqual([
      expect.stringMatching(
        /^server "moved" failed to start \(http:\/\/127\.0\.0\.1:\d+\/mcp\): .*\b405\b.* — if it is a Streamable HTTP server \(the current transport; its URL often ends in \/mcp\), remove "type": "sse" from its entry$/,
      ),
    ]);
  });

  it("says a configured token was refused, quoting the server's reason, not to configure one", async () => {
    endpoint = await serveHttp(
      serverFactory({ info: { name: "remote", version: "1.0.0" }, tools: toolSet([addTool]) }),
      { host: "127.0.0.1", port: 0, token: "secret-token" },
    );
    const p = newPool();
    const failures = await p.start([
      {
        kind: "http",
        name: "wrongkey",
        url: endpoint.url.href,
        headers: { Authorization: "Bearer wrong" },
        builtin: false,
      },
    ]);
    expect(p.running).toEqual([]);
    const line = failures.map((f) => f.line).join("\n");
    expect(line).toMatch(
      /^server "wrongkey" failed to start \(http:\/\/127\.0\.0\.1:\d+\/mcp\): Unauthorized \(HTTP 401\): wrongkey refused the credentials given in its mcp\.json "headers" \(Authorization\), saying invalid_token: "the token is not serveHttp's token; send Authorization: Bearer <serveHttp's token>" — check the value sent/,
    );
    expect(line).not.toContain("publishes no OAuth metadata");
  });
});

describe("cancelling a call over Streamable HTTP", () => {
  /** A server whose `wait` tool runs until its request is aborted, and records that it was. */
  async function waitingServer() {
    const seen = { started: 0, aborted: 0 };
    const wait = defineTool({
      name: "wait",
      title: "Wait",
      description: "Wait until cancelled.",
      inputSchema: {},
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      handler: async (_args, call) => {
        seen.started++;
        await new Promise<void>((resolve) => call.signal.addEventListener("abort", () => resolve(), { once: true }));
        seen.aborted++;
        return ok("stopped");
      },
    });
    endpoint = await serveHttp(serverFactory({ info: { name: "remote", version: "1.0.0" }, tools: toolSet([wait]) }), {
      host: "127.0.0.1",
      port: 0,
      token: "t",
    });
    return seen;
  }

  it.each(["abort", "timeout"])("on %s, the in-flight POST is aborted and the server's handler stops", async (how) => {
    const seen = await waitingServer();
    const p = newPool();
    const spec = {
      kind: "http" as const,
      name: "remote",
      url: endpoint?.url.href ?? "",
      headers: { Authorization: "Bearer t" },
      builtin: false as const,
    };
    expect(await p.start([spec])).toEqual([]);
    const controller = new AbortController();
    const call = p.call(
      "remote",
      "wait",
      {},
      { timeoutMs: how === "timeout" ? 300 : 30_000, signal: controller.signal },
    );
    expect(await waitUntil(() => seen.started === 1)).toBe(true);
    if (how === "abort") controller.abort();
    await expect(call).rejects.toThrow(how === "timeout" ? /timed out after 300 ms \(--tool-timeout\)/ : /abort/i);
    expect(await waitUntil(() => seen.aborted === 1)).toBe(true);
  });

  it("Ctrl-C during a slow call of the agent's run aborts the POST; the server sees it", async () => {
    const seen = await waitingServer();
    const api = await startFakeApi([calls(use("remote__wait", {}))]);
    const dir = mkdtempSync(join(tmpdir(), "agent-cancel-"));
    const config = join(mkdtempSync(join(tmpdir(), "agent-config-")), "mcp.json");
    const remote = { url: endpoint?.url.href, headers: { Authorization: "Bearer t" } };
    writeFileSync(
      config,
      JSON.stringify({
        mcpServers: { remote, file: { disabled: true }, db: { disabled: true }, api: { disabled: true } },
      }),
    );
    const controller = new AbortController();
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const running = runAgent({ config, workspace: dir }, ["wait"], env, { signal: controller.signal });
    running.catch(() => {});
    try {
      expect(await waitUntil(() => seen.started === 1, 10_000)).toBe(true);
      controller.abort(); // what the first Ctrl-C does
      await expect(running).rejects.toThrow();
      expect(await waitUntil(() => seen.aborted === 1)).toBe(true);
    } finally {
      await api.close();
    }
  });
});

describe("a 2025-era stateful server that ends our session", () => {
  it("opens a new session and runs the call, each time, without using up a restart", async () => {
    const remote = await startStatefulServer();
    try {
      const p = newPool();
      expect(await p.start([{ kind: "http", name: "old", url: remote.url, headers: {}, builtin: false }])).toEqual([]);
      expect(textOf(await p.call("old", "hello", {}, { timeoutMs: 5000 }))).toBe("hello, session 1");
      // More times than the restarts a server that fails gets.
      for (let i = 0; i < 4; i++) {
        remote.forget();
        expect(textOf(await p.call("old", "hello", {}, { timeoutMs: 5000 }))).toBe("hello, session 1");
      }
      // So do other requests: a prompt, after the server forgot us once more.
      remote.forget();
      const got = await getPrompt(p, "old", "greet", {}, 5000);
      expect(got.messages[0]?.content).toEqual({ type: "text", text: "greetings" });
      expect(p.status().find((s) => s.name === "old")).toMatchObject({ restarts: 0 });
    } finally {
      await pool?.close();
      await remote.close();
    }
  });
});
