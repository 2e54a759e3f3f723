import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startSilentCollector } from "../../core/test/otlp-receiver.js";
import { calls, done, type FakeApi, startFakeApi, use } from "./fixtures/fake-api.js";
import { fixtureWorkspace } from "./fixtures/harness.js";
import { descendants, isAlive, startAgent, waitUntil } from "./fixtures/procs.js";

let api: FakeApi | undefined;
let running: ChildProcess | undefined;
afterEach(async () => {
  running?.kill("SIGKILL");
  await api?.close();
  api = undefined;
  running = undefined;
});

const baseEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" };

describe("mcp-agent (built bin)", () => {
  it("says in one line how to set a key when both are missing, and exits 2", async () => {
    const { exited } = startAgent(["do something"], baseEnv);
    const r = await exited;
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "mcp-agent: no API key: set ANTHROPIC_API_KEY (export ANTHROPIC_API_KEY=sk-ant-…), or ANTHROPIC_AUTH_TOKEN for a gateway that takes a bearer token\n",
    );
  });

  it("--json: a failure before the run is a result object on stdout too", async () => {
    const r = await startAgent(["--json", "do something"], baseEnv).exited;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mcp-agent: no API key/);
    expect(JSON.parse(r.stdout)).toEqual({ ok: false, exitCode: 2, error: expect.stringMatching(/^no API key: set/) });
  });

  it("--version names itself, as the server bins do", async () => {
    const r = await startAgent(["--version"], baseEnv).exited;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^mcp-agent \d+\.\d+\.\d+\n$/);
  });

  it("names a mistyped flag and the one meant, in one line, and exits 2", async () => {
    const r = await startAgent(["--modle", "claude-x", "do something"], baseEnv).exited;
    expect(r).toMatchObject({
      code: 2,
      stderr: "mcp-agent: unknown option --modle — did you mean --model? (see --help)\n",
    });
  });

  it("lists namespaced tools, and each server's resources and prompts, without an API key", async () => {
    const ws = fixtureWorkspace({}, true);
    const { exited } = startAgent(["--list-tools", "--config", ws.config, "--workspace", join(ws.dir, "ws")], baseEnv);
    const r = await exited;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^fx__echo\s+ro\s+\[fx\] Echo text back\.$/m);
    expect(r.stdout).toMatch(/^api__http_get\s+ro\s+\[api\] /m);
    expect(r.stdout).toMatch(/^\d+ tools$/m);
    expect(r.stdout).toMatch(/^mcp__read_resource\s+ro\s+\[agent\] Read one resource/m);
    expect(r.stdout).toMatch(/^file: \d+ resources?, 1 template, 2 prompts$/m);
    expect(r.stdout).toMatch(/^ {2}@file:file:\/\/\/\{\+path\} {2}\(template: fill in \{…\}\) /m);
    expect(r.stdout).toMatch(/^api: 1 resource, 1 prompt$/m);
    expect(r.stdout).toMatch(/^ {2}\/file:summarize-folder path=…\?? {2}A folder's tree/m);
    expect(r.stdout).toMatch(/^ {2}@db:sqlite:\/\/stats {2}/m);
    expect(r.stderr).not.toMatch(/failed to start/);
  });

  it("on SIGINT stops promptly, exits 130 and leaves no child processes", async () => {
    api = await startFakeApi([{ hang: true }]);
    const ws = fixtureWorkspace({}, true);
    const env = { ...baseEnv, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const { child, exited } = startAgent(["--config", ws.config, "--workspace", join(ws.dir, "ws"), "a task"], env);
    running = child;
    expect(await waitUntil(() => (api?.requests.length ?? 0) > 0, 15_000)).toBe(true);
    const children = descendants(child.pid as number);
    expect(children.length).toBeGreaterThanOrEqual(4);
    child.kill("SIGINT");
    const r = await exited;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted; stopping servers/);
    expect(await waitUntil(() => children.every((pid) => !isAlive(pid)), 3000)).toBe(true);
  });

  it("--json on SIGTERM: the result object still has the transcript and summary of what ran and what it cost", async () => {
    api = await startFakeApi([calls(use("fx__echo", { text: "ran" })), { hang: true }]);
    const ws = fixtureWorkspace();
    const env = { ...baseEnv, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const { child, exited } = startAgent(["--json", "--config", ws.config, "--workspace", ws.dir, "a task"], env);
    running = child;
    // The second request goes out once the echo has run: the model's answer to it never comes.
    expect(await waitUntil(() => (api?.requests.length ?? 0) > 1, 15_000)).toBe(true);
    child.kill("SIGTERM");
    const r = await exited;
    expect(r.code).toBe(143);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ ok: false, exitCode: 143, error: "interrupted", failures: [] });
    expect(result.transcript).toEqual([
      { type: "tool_call", id: expect.any(String), name: "fx__echo", input: { text: "ran" } },
      { type: "tool_result", id: expect.any(String), name: "fx__echo", ok: true, text: "ran", ms: expect.any(Number) },
    ]);
    expect(result.summary).toMatchObject({ turns: 1, "gen_ai.client.token.usage": { input: 180, output: 20 } });
  });

  it("--json on SIGTERM with a collector that never answers: the result object and the undelivered line still come", async () => {
    // A built-in server that ran a call has spans to flush as it stops, for up to 2 s, as the agent has its own.
    const endpoint = await startSilentCollector();
    api = await startFakeApi([calls(use("file__list_directory", { path: "." })), { hang: true }]);
    const ws = fixtureWorkspace({}, true);
    const env = {
      ...baseEnv,
      ANTHROPIC_API_KEY: "k",
      ANTHROPIC_BASE_URL: api.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    };
    const { child, exited } = startAgent(["--json", "--config", ws.config, "--workspace", ws.dir, "a task"], env);
    running = child;
    expect(await waitUntil(() => (api?.requests.length ?? 0) > 1, 15_000)).toBe(true);
    child.kill("SIGTERM");
    const r = await exited;
    expect(r.code).toBe(143);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, exitCode: 143, error: "interrupted" });
    expect(r.stderr).toContain(
      `mcp-agent: the last spans to ${endpoint}/v1/traces and metrics to ${endpoint}/v1/metrics were not delivered: `,
    );
    expect(descendants(child.pid as number)).toEqual([]);
  }, 30_000);

  it("two runs sharing a workspace and its audit log: each line names its run, as each --json result does", async () => {
    api = await startFakeApi([
      calls(use("fx__echo", { text: "first" })),
      done("one"),
      calls(use("fx__echo", { text: "second" })),
      done("two"),
    ]);
    const ws = fixtureWorkspace();
    const env = { ...baseEnv, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const runs: string[] = [];
    for (const task of ["task one", "task two"]) {
      const r = await startAgent(["--json", "--config", ws.config, "--workspace", ws.dir, task], env).exited;
      expect(r.code).toBe(0);
      runs.push((JSON.parse(r.stdout) as { run: string }).run);
    }
    expect(runs[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(runs[1]).not.toBe(runs[0]);
    const audit = readFileSync(join(ws.dir, ".agent", "audit.jsonl"), "utf8")
      .trim()
      .split("\n");
    expect(audit.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ run: runs[0], tool: "echo", args: { text: "first" } }),
      expect.objectContaining({ run: runs[1], tool: "echo", args: { text: "second" } }),
    ]);
  }, 30_000);

  it("a call stopped by SIGTERM is recorded as the agent told to stop, not as the user interrupting it", async () => {
    api = await startFakeApi([calls(use("fx__slow", { ms: 60_000 }))]);
    const ws = fixtureWorkspace();
    const env = { ...baseEnv, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const { child, exited } = startAgent(["--config", ws.config, "--workspace", ws.dir, "a task"], env);
    running = child;
    let shown = "";
    child.stdout.on("data", (chunk: Buffer) => {
      shown += chunk;
    });
    expect(await waitUntil(() => shown.includes("→ fx__slow"), 15_000)).toBe(true);
    child.kill("SIGTERM");
    const r = await exited;
    expect(r.code).toBe(143);
    const stopped = "stopped: the agent was told to stop (SIGTERM)";
    expect(r.stdout).toContain(stopped);
    // Whoever sent SIGTERM (a supervisor, kill) forces the exit with another, not with a Ctrl-C.
    expect(r.stderr).toContain("terminated; stopping servers (SIGTERM again to force)");
    const audit = readFileSync(join(ws.dir, ".agent", "audit.jsonl"), "utf8")
      .trim()
      .split("\n");
    expect(audit.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ tool: "slow", ok: false, error: stopped }),
    ]);
  });

  /** The agent on a task the model never answers, with a server that ignores SIGTERM, once its request is in. */
  async function runWithStubbornServer() {
    api = await startFakeApi([{ hang: true }]);
    const ws = fixtureWorkspace({ FIXTURE_STUBBORN: "1" });
    const env = { ...baseEnv, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const { child, exited } = startAgent(["--config", ws.config, "--workspace", ws.dir, "a task"], env);
    running = child;
    expect(await waitUntil(() => (api?.requests.length ?? 0) > 0, 15_000)).toBe(true);
    const children = descendants(child.pid as number);
    expect(children.length).toBeGreaterThanOrEqual(1);
    return { child, exited, children };
  }

  it("when its terminal closes (SIGHUP) it exits 129, leaving no server behind, a stubborn one included", async () => {
    const { child, exited, children } = await runWithStubbornServer();
    child.kill("SIGHUP");
    expect((await exited).code).toBe(129);
    expect(await waitUntil(() => children.every((pid) => !isAlive(pid)), 3000)).toBe(true);
  });

  it("a second Ctrl-C forces the exit and kills even a server that ignores SIGTERM", async () => {
    const { child, exited, children } = await runWithStubbornServer();
    child.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGINT");
    expect((await exited).code).toBe(130);
    expect(await waitUntil(() => children.every((pid) => !isAlive(pid)), 3000)).toBe(true);
  });

  it("ends quietly when its reader goes away (--list-tools | head), leaving no server behind", async () => {
    // A server that ignores SIGTERM and stdin close, and enough tools that the listing outgrows the pipe buffer.
    const ws = fixtureWorkspace({ FIXTURE_STUBBORN: "1", FIXTURE_EXTRA_TOOLS: "1500" });
    const { child, exited } = startAgent(["--list-tools", "--config", ws.config, "--workspace", ws.dir], baseEnv);
    running = child;
    let children: number[] = [];
    child.stdout.once("data", () => {
      children = descendants(child.pid as number);
      child.stdout.destroy();
    });
    const r = await exited;
    expect(children.length).toBeGreaterThanOrEqual(1);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
    expect(r.code).toBe(0);
    expect(await waitUntil(() => children.every((pid) => !isAlive(pid)), 3000)).toBe(true);
  });

  it("starts with a config from any cwd and reports a broken server in one line (--strict makes it fatal)", async () => {
    const ws = fixtureWorkspace({ FIXTURE_FAIL_START: "no database" });
    const { exited } = startAgent(["--list-tools", "--strict", "--config", ws.config], baseEnv, { cwd: "/" });
    const r = await exited;
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^mcp-agent: server "fx" failed to start .*fixture: boom: no database$/),
      'mcp-agent: --strict: server "fx" did not start (said above), so the run stops: fix it, or leave out --strict to run without it',
    ]);
  });

  it("--json --strict: the result object names each server that did not start, and why", async () => {
    const ws = fixtureWorkspace({ FIXTURE_FAIL_START: "no database" });
    api = await startFakeApi([]);
    const env = { ...baseEnv, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const r = await startAgent(["--json", "--strict", "--config", ws.config, "a task"], env).exited;
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      exitCode: 2,
      error: expect.stringMatching(/^--strict: server "fx" did not start/),
      failures: [
        {
          server: "fx",
          line: expect.stringMatching(/^server "fx" failed to start .*fixture: boom: no database$/),
          why: expect.stringContaining("no database"),
        },
      ],
    });
  });
});
