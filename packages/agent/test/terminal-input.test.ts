import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { terminalPrompts } from "../src/prompts.js";
import { HISTORY_SIZE } from "../src/terminal-input.js";
import { onTerminal } from "./fixtures/prompt-streams.js";

describe("input on a terminal", () => {
  it("a multi-line paste is one input, sent with the Enter that ends its last line; bracketed paste is on meanwhile", async () => {
    const { stdin, p, shows, said } = onTerminal();
    const first = p.nextLine("\n> ");
    await shows("\n> ");
    expect(said()).toContain("\x1b[?2004h");
    // The terminal marks the paste: two whole lines and a third left in the line being edited.
    stdin.write("\x1b[200~Summarise this:\rline two\rline three\x1b[201~");
    await shows("line three");
    stdin.write(" (end)\r");
    expect(await first).toBe("Summarise this:\nline two\nline three (end)");
    // A paste that ends with its newline is sent as it ends, as one input.
    const second = p.nextLine("\n> ");
    await shows("\n> ");
    stdin.write("\x1b[200~one\rtwo\r\x1b[201~");
    expect(await second).toBe("one\ntwo");
    // Typed lines are still one input each.
    stdin.write("typed ahead\r");
    expect(await p.nextLine("\n> ")).toBe("typed ahead");
    p.close();
    expect(said().endsWith("\x1b[?2004l")).toBe(true);
  });

  it("a terminal that went away (EIO, its window closed) ends input as Ctrl-D does, not with a crash", async () => {
    const stdin = new PassThrough();
    // As a TTY's stream does once the terminal is gone: switching raw mode off fails, and says so as an 'error'.
    const tty = Object.assign(stdin, {
      isTTY: true,
      setRawMode: (on: boolean) => {
        if (!on) stdin.emit("error", Object.assign(new Error("setRawMode EIO"), { code: "EIO" }));
        return tty;
      },
    });
    const p = terminalPrompts({ stdin: tty, stderr: new PassThrough(), signal: new AbortController().signal });
    const line = p.nextLine("\n> ");
    await new Promise((resolve) => setTimeout(resolve, 10));
    stdin.end();
    expect(await line).toBeUndefined();
    p.close();
  });

  it.each([
    ["EIO (the terminal went away: no one to tell)", "EIO", ""],
    ["another failure, said", "EBADF", "mcp-agent: reading input failed (EBADF); input ended"],
  ])("an input error, %s, ends input", async (_, code, said) => {
    const { stdin, p, said: text } = onTerminal({ TERM: "dumb" });
    const line = p.nextLine("\n> ");
    await new Promise((resolve) => setTimeout(resolve, 10));
    stdin.emit("error", Object.assign(new Error(`read ${code}`), { code }));
    expect(await line).toBeUndefined();
    p.close();
    expect(text().includes("reading input failed")).toBe(said !== "");
    if (said) expect(text()).toContain(said);
  });

  it("a dumb terminal (TERM=dumb) is not sent bracketed paste's switch, which it would print", async () => {
    const { stdin, p, said } = onTerminal({ TERM: "dumb" });
    const line = p.nextLine("\n> ");
    stdin.write("hi\r");
    expect(await line).toBe("hi");
    p.close();
    expect(said()).not.toContain("\x1b[?2004");
  });

  it("Ctrl-C at the prompt clears a paste waiting for its last line, not just that line", async () => {
    const { stdin, p, shows } = onTerminal();
    const line = p.nextLine("\n> ");
    await shows("\n> ");
    stdin.write("\x1b[200~pasted\rhalf\x1b[201~");
    await shows("half");
    stdin.write("\x03");
    stdin.write("typed\r");
    expect(await line).toBe("typed");
    p.close();
  });
});

describe("the history Up and Down recall", () => {
  const UP = "\x1b[A";

  it("has a paste as one entry, sent whole again with Enter, and keeps what was typed before it", async () => {
    const { stdin, p, shows, typedAtPrompt } = onTerminal();
    await typedAtPrompt("typed before");
    // More lines than the history holds: none of them is an entry of its own, nor pushes the typed line out.
    const lines = Array.from({ length: HISTORY_SIZE + 5 }, (_, i) => `pasted ${i}`);
    const first = p.nextLine("\n> ");
    await shows("\n> ");
    stdin.write(`\x1b[200~${lines.join("\r")}\r\x1b[201~`);
    expect(await first).toBe(lines.join("\n"));
    // A paste that ends mid-line is one entry too, with the words typed after it.
    const second = p.nextLine("\n> ");
    await shows("\n> ");
    stdin.write("\x1b[200~one\rtwo\x1b[201~");
    await shows("two");
    stdin.write(" three\r");
    expect(await second).toBe("one\ntwo three");
    const again = p.nextLine("\n> ");
    await shows("\n> ");
    stdin.write(UP);
    await shows("two three");
    stdin.write(UP);
    await shows(`pasted ${HISTORY_SIZE + 4}`);
    stdin.write(UP);
    await shows("> typed before");
    stdin.write("\x1b[B");
    await shows(`pasted ${HISTORY_SIZE + 4}`);
    stdin.write("\r");
    expect(await again).toBe(lines.join("\n"));
    p.close();
  });

  it("does not hold the answers to questions: Up at the prompt recalls the last task, not a y", async () => {
    const { stdin, p, shows, typedAtPrompt } = onTerminal();
    await typedAtPrompt("write a note");
    const answer = p.confirm("fx__write {}", "fx__write");
    await shows("[y/N/a] ");
    stdin.write("y\r");
    expect(await answer).toBe("yes");
    const line = p.nextLine("\n> ");
    await shows("\n> ");
    stdin.write(UP);
    await shows("> write a note");
    stdin.write("\r");
    expect(await line).toBe("write a note");
    p.close();
  });
});
