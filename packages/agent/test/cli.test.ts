import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeApi, startFakeApi } from "./fixtures/fake-api.js";
import { fixtureWorkspace } from "./fixtures/harness.js";
import { isAlive, waitUntil } from "./fixtures/procs.js";

const CLI = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "cli.cjs");

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], env: Record<string, string | undefined>, cwd = process.cwd()) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<Exit>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  return { child, exited };
}

/** Every live descendant of pid, found through /proc (Linux). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // Gone meanwhile.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parents) {
      if (parent === p) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out.filter(isAlive);
}

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
    const { exited } = start(["do something"], baseEnv);
    const r = await exited;
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "mcp-agent: no API key: set ANTHROPIC_API_KEY (export ANTHROPIC_API_KEY=sk-ant-…), or ANTHROPIC_AUTH_TOKEN for a gateway that takes a bearer token\n",
    );
  });

  it("lists namespaced tools without an API key", async () => {
    const ws = fixtureWorkspace({}, true);
    const { exited } = start(["--list-tools", "--config", ws.config, "--workspace", join(ws.dir, "ws")], baseEnv);
    const r = await exited;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^fx__echo\s+ro\s+\[fx\] Echo text back\.$/m);
    expect(r.stdout).toMatch(/^api__http_get\s+ro\s+\[api\] /m);
    expect(r.stdout).toMatch(/^\d+ tools$/m);
    expect(r.stderr).not.toMatch(/failed to start/);
  });

  it("on SIGINT stops promptly, exits 130 and leaves no child processes", async () => {
    api = await startFakeApi([{ hang: true }]);
    const ws = fixtureWorkspace({}, true);
    const env = { ...baseEnv, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const { child, exited } = start(["--config", ws.config, "--workspace", join(ws.dir, "ws"), "a task"], env);
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

  it("a second Ctrl-C forces the exit and kills even a server that ignores SIGTERM", async () => {
    api = await startFakeApi([{ hang: true }]);
    const ws = fixtureWorkspace({ FIXTURE_STUBBORN: "1" });
    const env = { ...baseEnv, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const { child, exited } = start(["--config", ws.config, "--workspace", ws.dir, "a task"], env);
    running = child;
    expect(await waitUntil(() => (api?.requests.length ?? 0) > 0, 15_000)).toBe(true);
    const children = descendants(child.pid as number);
    expect(children.length).toBeGreaterThanOrEqual(1);
    child.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGINT");
    expect((await exited).code).toBe(130);
    expect(await waitUntil(() => children.every((pid) => !isAlive(pid)), 3000)).toBe(true);
  });

  it("ends quietly when its reader goes away (--list-tools | head), leaving no server behind", async () => {
    // A server that ignores SIGTERM and stdin close, and enough tools that the listing outgrows the pipe buffer.
    const ws = fixtureWorkspace({ FIXTURE_STUBBORN: "1", FIXTURE_EXTRA_TOOLS: "1500" });
    const { child, exited } = start(["--list-tools", "--config", ws.config, "--workspace", ws.dir], baseEnv);
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
    const { exited } = start(["--list-tools", "--strict", "--config", ws.config], baseEnv, "/");
    const r = await exited;
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^mcp-agent: server "fx" failed to start .*fixture: boom: no database$/),
      "mcp-agent: --strict: 1 server(s) failed to start",
    ]);
  });
});
