import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { closedTerminalGuard } from "../src/closed-terminal.js";
import { type FakeApi, startFakeApi } from "./fixtures/fake-api.js";
import { fixtureWorkspace } from "./fixtures/harness.js";
import { AGENT_BIN, isAlive, waitUntil } from "./fixtures/procs.js";
import { openTerminal, type Terminal } from "./fixtures/pty.js";

describe("closedTerminalGuard", () => {
  it.each([
    ["every stream still its terminal", [0, 1, 2], [0, 1, 2], []],
    ["the terminal closed under all three", [0, 1, 2], [], [0, 1, 2]],
    ["stdin a terminal that closed, the others pipes", [0], [], [0]],
    ["stdout a closed terminal, stderr a file from the start", [0, 1], [], [0, 1]],
    ["no terminal at any time", [], [], []],
  ])("%s", (_, atStart: number[], atExit: number[], reopened: number[]) => {
    let exiting = false;
    const isTerminal = (fd: number) => (exiting ? atExit : atStart).includes(fd);
    const seen: number[] = [];
    const release = closedTerminalGuard(isTerminal, (fd) => seen.push(fd));
    exiting = true;
    release();
    expect(seen).toEqual(reopened);
  });

  it("a stream that cannot be reopened does not stop the others", () => {
    let exiting = false;
    const seen: number[] = [];
    const release = closedTerminalGuard(
      () => !exiting,
      (fd) => {
        seen.push(fd);
        if (fd === 0) throw new Error("EBADF");
      },
    );
    exiting = true;
    release();
    expect(seen).toEqual([0, 1, 2]);
  });
});

describe("the built agent when its terminal closes", () => {
  let api: FakeApi | undefined;
  let terminal: Terminal | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    await terminal?.close();
    await api?.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("exits 129, its server stopped (Node 20 aborted as it restored the closed terminal: SIGABRT, 134)", async () => {
    api = await startFakeApi([]);
    const ws = fixtureWorkspace();
    const out = mkdtempSync(path.join(tmpdir(), "agent-hangup-"));
    dirs.push(ws.dir, path.dirname(ws.config), out);
    const code = path.join(out, "code");
    // A shell that outlives the hang-up (it catches SIGHUP; a caught signal is not inherited) records the agent's exit.
    const agent = [process.execPath, AGENT_BIN, "--config", ws.config, "--workspace", ws.dir]
      .map((arg) => `'${arg}'`)
      .join(" ");
    terminal = openTerminal(["sh", "-c", `trap : HUP; ${agent}; echo $? > '${code}'`], {
      cwd: ws.dir,
      env: { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url },
    });
    await terminal.waitFor(/\/exit or Ctrl-D to quit\n+> /);
    // The shell, the agent and its server.
    const started = terminal.processes();
    expect(started.length).toBeGreaterThanOrEqual(3);
    terminal.hangUp();
    expect(await waitUntil(() => existsSync(code) && readFileSync(code, "utf8").trim() !== "", 15_000)).toBe(true);
    expect(readFileSync(code, "utf8").trim()).toBe("129");
    expect(await waitUntil(() => !started.some(isAlive), 5000)).toBe(true);
  }, 30_000);
});
