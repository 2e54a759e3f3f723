import { describe, expect, it } from "vitest";
import { BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON } from "../src/paste.js";
import { calls, done, streaming, streamWithInput, text, use } from "./fixtures/fake-api.js";
import { v1Workspace } from "./fixtures/harness.js";
import { waitUntil } from "./fixtures/procs.js";
import { lineMode } from "./fixtures/pty.js";
import { useTerminalSessions } from "./fixtures/terminal-session.js";

const sessions = useTerminalSessions();
const { session } = sessions;

const STOPPED = "mcp-agent: interrupted: this turn stopped; type the next one (/exit or Ctrl-D quits)";

describe("the interactive session (built bin, on a terminal)", () => {
  it("Ctrl-C during a tool call or a model request stops that turn only; the conversation goes on", async () => {
    const term = await session([calls(use("fx__slow", { ms: 60_000 })), { hang: true }, done("Answered the third.")]);
    term.type("first");
    await term.waitFor(/→ fx__slow/);
    term.press("\x03");
    await term.waitFor(new RegExp(`${STOPPED.replace(/[()]/g, "\\$&")}\n+> `));
    term.type("second");
    expect(await waitUntil(() => sessions.api()?.requests.length === 2)).toBe(true);
    term.press("\x03");
    await term.waitFor(/this turn stopped.*\n+> /);
    term.type("third");
    await term.waitFor(/Answered the third\.\n+> /);
    term.type("/exit");
    expect(await term.exit()).toBe(0);

    // One conversation: the stopped call has an error result, and each stopped turn says it was interrupted.
    const messages = sessions.api()?.requests[2]?.body.messages ?? [];
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    const last = messages[2]?.content as { type: string; text?: string; is_error?: boolean; content?: string }[];
    expect(last.map((b) => b.text ?? b.type)).toEqual([
      "tool_result",
      "second",
      "[the user interrupted this turn]",
      "third",
    ]);
    expect(last[0]?.is_error).toBe(true);
    expect(last[0]?.content).toMatch(/^\[the user interrupted this turn\]/);
  }, 40_000);

  it("two quick Ctrl-Cs during a tool call: the turn stops, the second warns, and the session goes on", async () => {
    const term = await session([calls(use("fx__slow", { ms: 60_000 })), done("Answered.")]);
    term.type("first");
    await term.waitFor(/→ fx__slow/);
    // One read: the second comes while the stopped turn is still ending.
    term.press("\x03\x03");
    await term.waitFor(/mcp-agent: stopping this turn; press Ctrl-C again to quit\n/);
    await term.waitFor(/this turn stopped.*\n+> /);
    term.type("second");
    await term.waitFor(/Answered\.\n+> /);
    term.type("/exit");
    expect(await term.exit()).toBe(0);
  }, 30_000);

  it("a third Ctrl-C while the turn is stopping stops the run (130), saying so before the summary", async () => {
    const term = await session([calls(use("fx__slow", { ms: 60_000 }))]);
    term.type("first");
    await term.waitFor(/→ fx__slow/);
    term.press("\x03\x03\x03");
    expect(await term.exit()).toBe(130);
    expect(term.output()).toMatch(/interrupted; stopping servers \(Ctrl-C again to force\)\n[\s\S]*── 1 turn · /);
  }, 30_000);

  it("/servers says which servers are up, with their tools and process, and what happens to one that stopped", async () => {
    const term = await session([]);
    term.type("/servers");
    const up = await term.waitFor(/ {2}fx: up, (\d+) tools\n {4}stdio: .* · pid (\d+) · protocol [\d-]+\n[\s\S]*\n+> /);
    const pid = Number(up[2]);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, "SIGKILL");
    // The agent hears of the exit a moment later: ask until it has (bounded).
    let stopped = "";
    for (let i = 0; i < 20 && !stopped; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      term.type("/mcp");
      const block = await term.waitFor(/Servers: \d of 1 up\n {2}fx: ([^\n]*)\n[^\n]*\n+> /);
      if (block[0].startsWith("Servers: 0")) stopped = block[1] as string;
    }
    expect(stopped).toBe(
      "stopped (killed by SIGKILL); restarted on the next call to one of its tools (restart 1 of 3)",
    );
    term.type("/exit");
    expect(await term.exit()).toBe(0);
  }, 30_000);

  it("a server's log line while the prompt waits goes above it; the prompt and the half-typed line are drawn again", async () => {
    const term = await session([done("Answered.")]);
    term.type("/servers");
    const pid = Number((await term.waitFor(/ · pid (\d+) ·[\s\S]*\n+> /))[1]);
    term.press("half typed");
    await term.waitFor(/half typed$/);
    process.kill(pid, "SIGUSR2");
    // Escapes removed, the erased prompt line still shows before the warning; the prompt follows it, drawn again.
    await term.waitFor(/^\[fx\/fx\] warning: a late warning\n> half typed$/);
    const raw = term.raw();
    const at = raw.indexOf("[fx/fx] warning");
    // The cursor went back to the prompt's start and erased from there before the warning was written.
    expect(raw.slice(at - 16, at)).toContain("\x1b[1G\x1b[0J");
    term.type(" line");
    await term.waitFor(/Answered\.\n+> /);
    term.type("/exit");
    expect(await term.exit()).toBe(0);
    const first = sessions.api()?.requests[0]?.body.messages[0]?.content as { text: string }[];
    expect(first[0]?.text).toBe("half typed line");
  }, 30_000);

  it("Ctrl-C while a /server:prompt is being fetched stops that, not the session", async () => {
    const terminal = await session([done("Answered.")], v1Workspace());
    terminal.type("/v1:slow");
    // Pressed while the server is still answering: the fetch is under way once the line is read.
    await new Promise((resolve) => setTimeout(resolve, 300));
    terminal.press("\x03");
    await terminal.waitFor(/\/v1:slow stopped\n+> /);
    terminal.type("still here?");
    await terminal.waitFor(/Answered\.\n+> /);
    terminal.type("/exit");
    expect(await terminal.exit()).toBe(0);
    expect(sessions.api()?.requests).toHaveLength(1);
  }, 30_000);

  it("Ctrl-C at the prompt clears a line being typed; on an empty line it warns, and a second in a row quits", async () => {
    const term = await session([done("Answered.")]);
    term.press("a draft");
    term.press("\x03");
    term.type("the question");
    await term.waitFor(/Answered\.\n+> /);
    expect(term.output()).not.toContain("press Ctrl-C again");
    expect(JSON.stringify(sessions.api()?.requests[0]?.body.messages)).toContain('"the question"');
    expect(JSON.stringify(sessions.api()?.requests[0]?.body.messages)).not.toContain("draft");

    term.press("\x03");
    await term.waitFor(/\nmcp-agent: press Ctrl-C again to quit\n> /);
    // A key typed and erased in between: the next Ctrl-C warns again rather than quits.
    term.press("x\x7f\x03");
    await term.waitFor(/\nmcp-agent: press Ctrl-C again to quit\n> /);
    term.press("\x03");
    expect(await term.exit()).toBe(0);
    expect(term.output()).toMatch(/press Ctrl-C again to quit\n> \n── 1 turn · /);
    expect(sessions.api()?.requests).toHaveLength(1);
  }, 30_000);

  it("--ask: Ctrl-D at a question declines that call only; the next call is asked and the session goes on", async () => {
    const script = [
      calls(use("fx__write_note", { text: "one" }), use("fx__write_note", { text: "two" })),
      done("Done."),
      done("Answered."),
    ];
    const term = await session(script, undefined, undefined, ["--ask"]);
    term.type("write two notes");
    await term.waitFor(/"one"\}\? \[y\/N\/a\] $/);
    term.press("\x04");
    await term.waitFor(/"two"\}\? \[y\/N\/a\] $/);
    term.type("y");
    await term.waitFor(/Done\.\n+> /);
    term.type("still here?");
    await term.waitFor(/Answered\.\n+> /);
    term.type("/exit");
    expect(await term.exit()).toBe(0);
    const results = sessions.api()?.requests[1]?.body.messages[2]?.content as { is_error?: boolean }[];
    expect(results.map((r) => r.is_error === true)).toEqual([true, false]);
  }, 30_000);

  it("--ask: a parallel call's result that comes while a question waits is written above it, the question below", async () => {
    const script = [calls(use("fx__slow", { ms: 500 }), use("fx__write_note", { text: "one" })), done("Done.")];
    const term = await session(script, undefined, undefined, ["--ask"]);
    term.type("wait and write");
    await term.waitFor(/"one"\}\? \[y\/N\/a\] $/);
    // The result's line, then the question drawn again (escapes removed, the erased question still shows before it).
    await term.waitFor(/ {2}← [^\n]*\(fx__slow, \d+ ms\)\nallow fx__write_note [^\n]*\[y\/N\/a\] $/);
    term.type("y");
    await term.waitFor(/Done\.\n+> /);
    term.type("/exit");
    expect(await term.exit()).toBe(0);
  }, 30_000);

  it("--ask: a paste made at the question is not its answer nor a turn: dropped, said, and the question stays", async () => {
    const script = [calls(use("fx__write_note", { text: "one" })), done("Done."), done("Answered.")];
    const term = await session(script, undefined, undefined, ["--ask"]);
    term.type("write a note");
    await term.waitFor(/"one"\}\? \[y\/N\/a\] $/);
    // A bracketed paste, as the terminal sends it: its first line would have been a yes.
    term.press("\x1b[200~y\rsecond pasted\r\x1b[201~");
    await term.waitFor(
      /a paste is not taken as an answer[^\n]*: y \/ second pasted\nallow fx__write_note [^\n]*\[y\/N\/a\] $/,
    );
    term.type("n");
    await term.waitFor(/Done\.\n+> /);
    term.type("still here?");
    await term.waitFor(/Answered\.\n+> /);
    term.type("/exit");
    expect(await term.exit()).toBe(0);
    const requests = sessions.api()?.requests ?? [];
    // Declined by the typed n; the pasted "second pasted" never became a turn.
    const results = requests[1]?.body.messages[2]?.content as { is_error?: boolean }[];
    expect(results.map((r) => r.is_error === true)).toEqual([true]);
    expect(requests).toHaveLength(3);
    expect(JSON.stringify(requests.map((r) => r.body.messages))).not.toContain("second pasted");
  }, 30_000);

  it("Ctrl-Z suspends the session; brought back (SIGCONT, as fg does) it reads the next line again", async () => {
    const term = await session([done("Answered after fg.")]);
    const agent = term.processes()[0] as number;
    expect(lineMode(agent)).toBe(false);
    term.press("\x1a");
    // Readline switches raw mode off as it stops itself: then it waits for the SIGCONT that fg sends. (Under `script`
    // the session's process group has no shell to resume it, so the kernel drops the stop itself.) A SIGCONT sent
    // before that would come before anything waits for it, which fg never does.
    expect(await waitUntil(() => lineMode(agent), 10_000)).toBe(true);
    // The marking of pastes went off before it stopped: the shell gets plain pastes.
    const marked = () => term.raw().lastIndexOf(BRACKETED_PASTE_ON) > term.raw().lastIndexOf(BRACKETED_PASTE_OFF);
    expect(await waitUntil(() => !marked(), 10_000)).toBe(true);
    process.kill(agent, "SIGCONT");
    // Resumed, it switches raw mode on again: keys typed before that are the terminal's to echo.
    expect(await waitUntil(() => !lineMode(agent), 10_000)).toBe(true);
    expect(await waitUntil(marked, 10_000)).toBe(true);
    term.type("a question");
    await term.waitFor(/Answered after fg\.\n+> /);
    term.press("\x04");
    expect(await term.exit()).toBe(0);
  }, 30_000);

  it("a resize while a reply streams leaves its half-written line alone; at the prompt the typed line is redrawn", async () => {
    const term = await session([streaming("Line one.\nSecond line, half")]);
    term.type("go");
    await term.waitFor(/Second line, half$/);
    term.resize(60, 30);
    term.press("\x03");
    await term.waitFor(/this turn stopped.*\n+> /);
    // Readline's redraw (erase from the line's start, then its prompt) would have wiped the streamed line.
    const raw = term.raw();
    const during = raw.slice(raw.indexOf("Second line, half"), raw.indexOf("mcp-agent: interrupted"));
    expect(during).not.toContain("\x1b[0J");
    expect(during).not.toContain(">");
    expect(term.output()).toMatch(/\nSecond line, half\n/);
    // With the prompt shown, a resize still draws it and the half-typed line again.
    term.press("half typed");
    await term.waitFor(/half typed$/);
    term.resize(40, 30);
    await term.waitFor(/> half typed$/);
    term.press("\x03\x04");
    expect(await term.exit()).toBe(130);
  }, 30_000);

  it("a line typed while a turn runs is its own turn next, shown after the prompt, its reply on a line below", async () => {
    const term = await session([calls(use("fx__slow", { ms: 1500 })), done("Slept."), done("Answered the next.")]);
    term.type("first");
    await term.waitFor(/→ fx__slow/);
    term.type("the next one");
    await term.waitFor(/Answered the next\.\n+> /);
    // Not "> Answered the next.", as if the user had typed the reply.
    expect(term.output()).toMatch(/Slept\.\n+> the next one\nAnswered the next\.\n/);
    term.press("\x04");
    expect(await term.exit()).toBe(0);
    expect(sessions.api()?.requests[2]?.body.messages.at(-1)?.content).toEqual([
      { type: "text", text: "the next one", cache_control: { type: "ephemeral" } },
    ]);
  }, 30_000);

  it("while the reply shows nothing, a live line says what the agent waits for; it is erased when the turn ends", async () => {
    // A call whose input stops coming after the text before it, the connection left open.
    const { body } = streamWithInput(
      { blocks: [text("Writing."), use("fx__write_note", { text: "x" })] },
      (j) => j,
    ) as {
      body: string;
    };
    const open = body.slice(0, body.indexOf("event: content_block_delta", body.indexOf('"tool_use"')));
    const term = await session([{ hang: true }, { body: open, stall: true }]);
    term.type("first");
    await term.waitFor(/ {2}… waiting for the model's reply \(1 s\)/);
    term.press("\x03");
    await term.waitFor(/this turn stopped.*\n+> /);
    term.type("second");
    // The text before the call ends its line, and the wait for the call's input shows under it.
    await term.waitFor(/Writing\.\n {2}… the model is writing its fx__write_note call \(1 s\)/);
    term.press("\x03");
    await term.waitFor(/this turn stopped.*\n+> /);
    // Each was erased (carriage return, erase line) before the next line was written.
    const raw = term.raw();
    for (const line of ["reply (1 s)", "call (1 s)"]) {
      expect(raw.slice(raw.indexOf(line), raw.indexOf(line) + 30)).toContain("\r\x1b[2K");
    }
    term.press("\x04");
    expect(await term.exit()).toBe(130);
  }, 30_000);

  it("Ctrl-D at the prompt ends the session, the summary on a line of its own", async () => {
    const term = await session([done("Answered.")]);
    term.type("a question");
    await term.waitFor(/Answered\.\n+> /);
    term.press("\x04");
    expect(await term.exit()).toBe(0);
    expect(term.output()).toMatch(/Answered\.\n+> \n── 1 turn · /);
  }, 30_000);
});
