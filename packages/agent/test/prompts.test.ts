import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { terminalPrompts } from "../src/prompts.js";

function prompts() {
  const stdin = new PassThrough();
  const stderr = new PassThrough();
  let asked = 0;
  stderr.on("data", (chunk: Buffer) => {
    if (chunk.toString().includes("[y/N]")) asked++;
  });
  /** Resolves once the n-th question has been shown. */
  const shown = async (n: number) => {
    while (asked < n) await new Promise((r) => setTimeout(r, 5));
  };
  return { stdin, shown, p: terminalPrompts({ stdin, stderr, signal: new AbortController().signal }) };
}

describe("terminal prompts", () => {
  it("takes y as yes and anything else as no", async () => {
    const { stdin, shown, p } = prompts();
    const first = p.confirm("file__write_file {}");
    await shown(1);
    stdin.write("y\n");
    expect(await first).toBe(true);
    const second = p.confirm("file__write_file {}");
    await shown(2);
    stdin.write("sure\n");
    expect(await second).toBe(false);
    p.close();
  });

  it("answers no when input ends (Ctrl-D) during a question, and for every later one", async () => {
    const { stdin, shown, p } = prompts();
    const asked = p.confirm("db__execute {}");
    await shown(1);
    stdin.end();
    expect(await asked).toBe(false);
    expect(await p.confirm("db__execute {}")).toBe(false);
  });
});
