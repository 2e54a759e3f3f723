import { describe, expect, it } from "vitest";
import { calls, use } from "./fixtures/fake-api.js";
import { fixtureWorkspace } from "./fixtures/harness.js";
import { useTerminalSessions } from "./fixtures/terminal-session.js";

const { session } = useTerminalSessions();

describe("a task stopped with Ctrl-C (built bin, on a terminal)", () => {
  it("still shows the summary of what ran and what it cost, and exits 130", async () => {
    const script = [calls(use("fx__echo", { text: "done first" })), calls(use("fx__slow", { ms: 60_000 }))];
    const terminal = await session(script, fixtureWorkspace(), "a task");
    await terminal.waitFor(/→ fx__slow/);
    terminal.press("\x03");
    expect(await terminal.exit()).toBe(130);
    expect(terminal.output()).toMatch(/interrupted; stopping servers[\s\S]*── 2 turns · [\s\S]*fx__echo: 1 call/);
  }, 30_000);
});
