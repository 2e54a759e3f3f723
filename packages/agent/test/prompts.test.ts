import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { onTerminal } from "./fixtures/prompt-streams.js";

describe("lines written while the prompt waits on a terminal", () => {
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

describe("a line half typed while a turn ran", () => {
  it("is drawn after the next prompt, the cursor where it was, and Enter sends what the screen shows", async () => {
    const { stdin, p, shows, said, typedAtPrompt } = onTerminal();
    await typedAtPrompt("first task");
    // Typed while the turn runs (no prompt shown), the cursor moved back one character.
    stdin.write("next tas\x1b[D");
    await shows("next tas");
    const before = said().length;
    const line = p.nextLine("\n> ");
    // Escapes removed, the tail written between the cursor's save and restore does not show.
    await shows("\n> next ta");
    expect(said().slice(before)).toBe("\n> next ta\x1b7s\x1b8");
    stdin.write("k");
    await shows("> next taks");
    stdin.write("\r");
    expect(await line).toBe("next taks");
    p.close();
  });

  it("waits behind a whole line typed ahead, and is drawn after the prompt that follows that line's turn", async () => {
    const { stdin, p, shows, said, typedAtPrompt } = onTerminal();
    await typedAtPrompt("first task");
    stdin.write("second\rthird, half");
    await shows("third, half");
    expect(await p.nextLine("\n> ")).toBe("second");
    expect(said().endsWith("\n> second\n")).toBe(true);
    const line = p.nextLine("\n> ");
    await shows("\n> third, half");
    stdin.write("\r");
    expect(await line).toBe("third, half");
    p.close();
  });
});
