import { PassThrough } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { terminalPrompts } from "../src/prompts.js";
import { onTerminal, prompts } from "./fixtures/prompt-streams.js";

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

describe("questions on a terminal", () => {
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
      "mcp-agent: typed before the question showed, so not taken (as its answer or as a turn; type it again to send it): y / n\n",
    );
    stdin.write("a\r");
    expect(await answer).toBe("always");
    await typedAtPrompt("next task");
    p.close();
  });

  it("a line typed before the first question of a one-shot run (no prompt open yet) is dropped, not its answer", async () => {
    const { stdin, p, shows, said } = onTerminal();
    // Typed while the model was still answering: the terminal holds it until something reads.
    stdin.write("y\r");
    const answer = p.confirm("fx__write {}", "fx__write");
    await shows("[y/N/a] ");
    expect(stripVTControlCharacters(said())).toContain(
      "mcp-agent: typed before the question showed, so not taken (as its answer or as a turn; type it again to send it): y\n",
    );
    stdin.write("n\r");
    expect(await answer).toBe("no");
    p.close();
  });

  it("a Ctrl-D typed before the first question of a one-shot run is its end of input: a no, not a crash", async () => {
    const { stdin, p } = onTerminal();
    stdin.write("\x04");
    expect(await p.confirm("fx__write {}", "fx__write")).toBe("no");
    p.close();
  });

  it("a paste waiting for its last line when a question shows is dropped with it, not joined to the next task", async () => {
    const { stdin, p, shows, said, typedAtPrompt } = onTerminal();
    await typedAtPrompt("write a file");
    stdin.write("\x1b[200~pasted\rhalf\x1b[201~");
    await shows("half");
    const answer = p.confirm("fx__write {}", "fx__write");
    await shows("[y/N/a] ");
    expect(stripVTControlCharacters(said())).toContain(
      "so not taken (as its answer or as a turn; type it again to send it): pasted / half\n",
    );
    stdin.write("y\r");
    expect(await answer).toBe("yes");
    await typedAtPrompt("next task");
    p.close();
  });

  it("a paste made at the question is not its answer nor a turn: dropped, said, and the question asked again", async () => {
    const { stdin, p, shows, said, typedAtPrompt } = onTerminal();
    await typedAtPrompt("write a file");
    const answer = p.confirm("fx__write {}", "fx__write");
    await shows("[y/N/a] ");
    stdin.write("\x1b[200~y\rsecond pasted\r\x1b[201~");
    await shows("[y/N/a] ");
    expect(stripVTControlCharacters(said())).toContain(
      "mcp-agent: a paste is not taken as an answer: type y, n or a; what was pasted is dropped (not sent as a turn; paste it at the prompt to send it): y / second pasted\nallow fx__write {}? [y/N/a] ",
    );
    // Not counted as a try, as three answers not understood would be: a typed answer still decides.
    stdin.write("\x1b[200~n\rno\r\x1b[201~");
    await shows("[y/N/a] ");
    stdin.write("\x1b[200~sure\rok\r\x1b[201~");
    await shows("[y/N/a] ");
    stdin.write("a\r");
    expect(await answer).toBe("always");
    // The pasted lines were not kept as the next turn.
    await typedAtPrompt("next task");
    p.close();
  });

  it("a paste ending mid-line at the question is dropped with what was typed before it; Enter then is the default", async () => {
    const { stdin, p, shows, said } = onTerminal();
    const answer = p.confirm("fx__write {}", "fx__write");
    await shows("[y/N/a] ");
    stdin.write("ye");
    await shows("ye");
    stdin.write("\x1b[200~s\x1b[201~");
    await shows("[y/N/a] ");
    expect(stripVTControlCharacters(said())).toContain(
      "\nmcp-agent: a paste is not taken as an answer: type y, n or a; what was pasted is dropped (not sent as a turn; paste it at the prompt to send it): ye / s\n",
    );
    stdin.write("\r");
    expect(await answer).toBe("no");
    p.close();
  });

  it("a server's question (a form field) drops a paste the same way, asking for the answer typed", async () => {
    const { stdin, p, shows, said } = onTerminal();
    const answer = p.exclusive(() => p.ask("name: "));
    await shows("name: ");
    stdin.write("\x1b[200~Ada Lovelace\r\x1b[201~");
    await shows("name: ");
    expect(stripVTControlCharacters(said())).toContain("a paste is not taken as an answer: type the answer;");
    stdin.write("Ada\r");
    expect(await answer).toBe("Ada");
    p.close();
  });

  it("Ctrl-C while a paste comes in at a REPL turn's question withdraws the question, as it would without the paste", async () => {
    const { stdin, p, shows } = onTerminal();
    const turn = p.turn();
    const answer = p.confirm("fx__write {}", "fx__write");
    await shows("[y/N/a] ");
    stdin.write("\x1b[200~y\r");
    // Its first line is read (echoed), its end not yet come.
    await shows("y\r\n");
    stdin.write("\x03");
    await expect(answer).rejects.toThrow();
    turn.end();
    p.close();
  });
});
