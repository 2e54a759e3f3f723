import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { calls, type FakeApi, startFakeApi, use } from "./fixtures/fake-api.js";
import { fixtureWorkspace } from "./fixtures/harness.js";
import { AGENT_BIN } from "./fixtures/procs.js";
import { openTerminal, type Terminal } from "./fixtures/pty.js";

let api: FakeApi | undefined;
let terminal: Terminal | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await terminal?.close();
  await api?.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  terminal = api = undefined;
});

describe("a task stopped with Ctrl-C (built bin, on a terminal)", () => {
  it("still shows the summary of what ran and what it cost, and exits 130", async () => {
    api = await startFakeApi([calls(use("fx__echo", { text: "done first" })), calls(use("fx__slow", { ms: 60_000 }))]);
    const ws = fixtureWorkspace();
    dirs.push(ws.dir, dirname(ws.config));
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    terminal = openTerminal([process.execPath, AGENT_BIN, "--config", ws.config, "--workspace", ws.dir, "a task"], {
      cwd: ws.dir,
      env,
    });
    await terminal.waitFor(/→ fx__slow/);
    terminal.press("\x03");
    expect(await terminal.exit()).toBe(130);
    expect(terminal.output()).toMatch(/interrupted; stopping servers[\s\S]*── 2 turns · [\s\S]*fx__echo: 1 call/);
  }, 30_000);
});
