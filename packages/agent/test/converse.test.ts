import { describe, expect, it } from "vitest";
import { calls, streaming, use } from "./fixtures/fake-api.js";
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

describe("a reply stopped with Ctrl-C while it streams (built bin, on a terminal)", () => {
  it("is counted in the summary as far as the API reported it, and said to be interrupted", async () => {
    const terminal = await session([streaming("Half an answ")], fixtureWorkspace(), "a task");
    await terminal.waitFor(/Half an answ/);
    terminal.press("\x03");
    expect(await terminal.exit()).toBe(130);
    // message_start's usage: the input was billed though the reply never ended.
    expect(terminal.output()).toMatch(
      /── 0 turns · [^\n]*\n {3}tokens: 180 input, 1 output, cache 50 written \/ 30 read · [^\n]*· incl\. 1 interrupted reply\n/,
    );
  }, 30_000);
});
