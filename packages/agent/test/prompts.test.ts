import { PassThrough } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { terminalPrompts } from "../src/prompts.js";

function prompts() {
  const stdin = new PassThrough();
  const stderr = new PassThrough();
  let asked = 0;
  let text = "";
  stderr.on("data", (chunk: Buffer) => {
    text += chunk.toString();
    if (chunk.toString().includes("[y/N/a]")) asked++;
  });
  /** Resolves once the n-th question has been shown. */
  const shown = async (n: number) => {
    while (asked < n) await new Promise((r) => setTimeout(r, 5));
  };
  return {
    stdin,
    shown,
    said: () => text,
    p: terminalPrompts({ stdin, stderr, signal: new AbortController().signal }),
  };
}

describe("terminal prompts", () => {
  it("takes y, n and a; asks again, saying what it takes, when the answer is none of them", async () => {
    const { stdin, shown, p, said } = prompts();
    const first = p.confirm("file__write_file {}", "file__write_file");
    await shown(1);
    stdin.write("y\n");
    expect(await first).toBe("yes");
    const second = p.confirm("file__write_file {}", "file__write_file");
    await shown(2);
    stdin.write("sure\n");
    await shown(3);
    expect(said()).toContain("answer y (yes), n or Enter (no), or a (yes, and do not ask again for file__write_file");
    stdin.write("always\n");
    expect(await second).toBe("always");
    const third = p.confirm("file__write_file {}", "file__write_file");
    await shown(4);
    stdin.write("\n");
    expect(await third).toBe("no");
    p.close();
  });

  it("takes three answers it does not understand as no", async () => {
    const { stdin, shown, p } = prompts();
    const asked = p.confirm("file__write_file {}", "file__write_file");
    for (const [n, answer] of ["ok", "yep", "sure"].entries()) {
      await shown(n + 1);
      stdin.write(`${answer}\n`);
    }
    expect(await asked).toBe("no");
    p.close();
  });

  it("piped: answers no when input ends during a question, and for every later one", async () => {
    const { stdin, shown, p } = prompts();
    const asked = p.confirm("db__execute {}", "db__execute");
    await shown(1);
    stdin.end();
    expect(await asked).toBe("no");
    expect(await p.confirm("db__execute {}", "db__execute")).toBe("no");
  });
});

describe("a question and what else draws on the terminal", () => {
  it("says when each question (a y/n, a server's form) starts and ends, even one that fails", async () => {
    const events: string[] = [];
    const stdin = new PassThrough();
    const p = terminalPrompts(
      { stdin, stderr: new PassThrough(), signal: new AbortController().signal },
      undefined,
      (asking) => events.push(asking ? "start" : "end"),
    );
    await p.exclusive(async () => events.push("form"));
    await p.exclusive(() => Promise.reject(new Error("gone"))).catch(() => {});
    expect(events).toEqual(["start", "form", "end", "start", "end"]);
    p.close();
  });
});

describe("lines written while the prompt waits on a terminal", () => {
  function onTerminal(env?: Record<string, string>) {
    const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => {} });
    const stderr = new PassThrough();
    let text = "";
    stderr.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    const p = terminalPrompts({ stdin, stderr, signal: new AbortController().signal, ...(env ? { env } : {}) });
    /** Resolves once the screen so far, without cursor moves, ends with `tail` (bounded: 200 polls). */
    const shows = async (tail: string) => {
      const ends = () => stripVTControlCharacters(text).endsWith(tail);
      for (let i = 0; i < 200 && !ends(); i++) await new Promise((r) => setTimeout(r, 5));
      expect(ends()).toBe(true);
    };
    /** The session's prompt shows, `typed` is typed and Enter pressed: the prompt reads exactly that line. */
    const typedAtPrompt = async (typed: string) => {
      const line = p.nextLine("\n> ");
      await shows("\n> ");
      stdin.write(`${typed}\r`);
      expect(await line).toBe(typed);
    };
    return { stdin, p, shows, said: () => text, typedAtPrompt };
  }

  it("Ctrl-D at a question declines that one only: the next is asked, and the session reads its next line", async () => {
    const { stdin, p, shows, said, typedAtPrompt } = onTerminal();
    const first = p.confirm("fx__write {}", "fx__write");
    await shows("[y/N/a] ");
    stdin.write("\x04");
    expect(await first).toBe("no");
    // The line is ended, so what follows starts a line of its own.
    expect(stripVTControlCharacters(said())).toMatch(/\[y\/N\/a\] \n$/);
    const second = p.confirm("fx__write {}", "fx__write");
    await shows("[y/N/a] ");
    stdin.write("y\r");
    expect(await second).toBe("yes");
    await typedAtPrompt("still here");
    p.close();
  });

  it("a server's question: Ctrl-D answers undefined and ends its line; the next question is asked", async () => {
    const { stdin, p, shows, said } = onTerminal();
    const first = p.exclusive(() => p.ask("answer (a), decline (d) or cancel (c)? [a] "));
    await shows("[a] ");
    stdin.write("\x04");
    expect(await first).toBeUndefined();
    expect(stripVTControlCharacters(said())).toMatch(/\[a\] \n$/);
    const second = p.exclusive(() => p.ask("name? "));
    await shows("name? ");
    stdin.write("Ada\r");
    expect(await second).toBe("Ada");
    p.close();
  });

  it("a server's question ended by Ctrl-D writes nothing more when its call ends afterwards", async () => {
    const { stdin, p, shows, said } = onTerminal();
    const call = new AbortController();
    const asked = p.exclusive(() => p.ask("answer (a), decline (d) or cancel (c)? [a] ", call.signal));
    await shows("[a] ");
    stdin.write("\x04");
    expect(await asked).toBeUndefined();
    p.above("mcp-agent: file asked for input; the user chose cancel\n");
    // The call ends (the server answered the cancel): no stray line break under the notice.
    call.abort();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stripVTControlCharacters(said())).toMatch(
      /\[a\] \nmcp-agent: file asked for input; the user chose cancel\n$/,
    );
    p.close();
  });

  it("lines typed before a question showed are dropped, with a line saying so, not taken as its answer or a turn", async () => {
    const { stdin, p, shows, said, typedAtPrompt } = onTerminal();
    await typedAtPrompt("write a file");
    // Typed while the turn runs, before its question: a whole line and a half-typed one.
    stdin.write("y\rn");
    await shows("n");
    const answer = p.confirm("fx__write {}", "fx__write");
    await shows("[y/N/a] ");
    expect(stripVTControlCharacters(said())).toContain(
      "mcp-agent: typed before the question showed, so not taken: y / n\n",
    );
    stdin.write("a\r");
    expect(await answer).toBe("always");
    await typedAtPrompt("next task");
    p.close();
  });

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

  it("a paste waiting for its last line when a question shows is dropped with it, not joined to the next task", async () => {
    const { stdin, p, shows, said, typedAtPrompt } = onTerminal();
    await typedAtPrompt("write a file");
    stdin.write("\x1b[200~pasted\rhalf\x1b[201~");
    await shows("half");
    const answer = p.confirm("fx__write {}", "fx__write");
    await shows("[y/N/a] ");
    expect(stripVTControlCharacters(said())).toContain("so not taken: pasted / half\n");
    stdin.write("y\r");
    expect(await answer).toBe("yes");
    await typedAtPrompt("next task");
    p.close();
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

  it("go above the prompt, which is drawn again below with the line typed so far, and the line is still read", async () => {
    const { stdin, p, shows, said } = onTerminal();
    const line = p.nextLine("\n> ");
    await shows("\n> ");
    stdin.write("half typed");
    await shows("> half typed");
    const before = said().length;
    p.above("[fx/fx] warning: a late warning\n");
    // Back to the start of the prompt's row, erase it and below, the line, then the prompt and the typed text again.
    expect(said().slice(before)).toBe("\x1b[1G\x1b[0J[fx/fx] warning: a late warning\n> half typed");
    stdin.write(" and done\r");
    expect(await line).toBe("half typed and done");
    p.close();
  });

  it("leave the cursor where it was in the line", async () => {
    const { stdin, p, shows, said } = onTerminal();
    const line = p.nextLine("\n> ");
    await shows("\n> ");
    stdin.write("abcdef\x1b[D\x1b[D");
    await shows("> abcdef");
    const before = said().length;
    p.above("a notice");
    expect(said().slice(before)).toBe("\x1b[1G\x1b[0Ja notice\n> abcd\x1b7ef\x1b8");
    stdin.write("X");
    await shows("> abcdXef");
    stdin.write("\r");
    expect(await line).toBe("abcdXef");
    p.close();
  });

  it("go above a y/n question too, and are written as they are when nothing waits", async () => {
    const { stdin, p, shows, said } = onTerminal();
    p.above("before any prompt\n");
    expect(said()).toBe("before any prompt\n");
    const answer = p.confirm("fx__write {}", "fx__write");
    await shows("[y/N/a] ");
    stdin.write("y");
    await shows("[y/N/a] y");
    const before = said().length;
    p.above("[fx] a log line\n");
    expect(said().slice(before)).toBe("\x1b[1G\x1b[0J[fx] a log line\nallow fx__write {}? [y/N/a] y");
    stdin.write("\r");
    expect(await answer).toBe("yes");
    const after = said().length;
    p.above("after the answer\n");
    expect(said().slice(after)).toBe("after the answer\n");
    p.close();
  });

  it("a tool's result for stdout goes there, above the question, which is drawn again below it on stderr", async () => {
    const { stdin, p, shows, said } = onTerminal();
    const stdout = new PassThrough();
    let transcript = "";
    stdout.on("data", (chunk: Buffer) => {
      transcript += chunk.toString();
    });
    const answer = p.confirm("fx__write {}", "fx__write");
    await shows("[y/N/a] ");
    const before = said().length;
    p.above("  ← done (fx__echo, 3 ms)\n", stdout);
    expect(transcript).toBe("  ← done (fx__echo, 3 ms)\n");
    expect(said().slice(before)).toBe("\x1b[1G\x1b[0Jallow fx__write {}? [y/N/a] ");
    stdin.write("n\r");
    expect(await answer).toBe("no");
    p.above("after\n", stdout);
    expect(transcript).toMatch(/\nafter\n$/);
    p.close();
  });
});
