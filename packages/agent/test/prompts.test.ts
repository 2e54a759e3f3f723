import { PassThrough } from "node:stream";
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

  it("answers no when input ends (Ctrl-D) during a question, and for every later one", async () => {
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
