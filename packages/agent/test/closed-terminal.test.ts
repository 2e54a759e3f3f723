import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { closedTerminalGuard } from "../src/closed-terminal.js";
import { shellQuote } from "../src/print-config.js";
import { fixtureWorkspace } from "./fixtures/harness.js";
import { isAlive, waitUntil } from "./fixtures/procs.js";
import { useTerminalSessions } from "./fixtures/terminal-session.js";

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
  const { session } = useTerminalSessions();

  it("exits 129, its server stopped (Node 20 aborted as it restored the closed terminal: SIGABRT, 134)", async () => {
    const ws = fixtureWorkspace();
    const code = path.join(path.dirname(ws.config), "exit-code");
    // A shell that outlives the hang-up (it catches SIGHUP; a caught signal is not inherited) records the agent's exit.
    const inShell = (argv: string[]) => [
      "sh",
      "-c",
      `trap : HUP; ${argv.map(shellQuote).join(" ")}; echo $? > ${shellQuote(code)}`,
    ];
    const terminal = await session([], ws, undefined, [], inShell);
    // The shell, the agent and its server.
    const started = terminal.processes();
    expect(started.length).toBeGreaterThanOrEqual(3);
    terminal.hangUp();
    expect(await waitUntil(() => existsSync(code) && readFileSync(code, "utf8").trim() !== "", 15_000)).toBe(true);
    expect(readFileSync(code, "utf8").trim()).toBe("129");
    expect(await waitUntil(() => !started.some(isAlive), 5000)).toBe(true);
  }, 30_000);
});
