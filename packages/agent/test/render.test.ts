import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { shellQuote } from "../src/print-config.js";
import { TerminalRenderer } from "../src/render.js";
import { columnsOf } from "../src/terminal-width.js";
import { calls, done, type FakeApi, startFakeApi, use } from "./fixtures/fake-api.js";
import { fixtureWorkspace, v1Workspace } from "./fixtures/harness.js";
import { AGENT_BIN, waitUntil } from "./fixtures/procs.js";
import { openTerminal, type Terminal } from "./fixtures/pty.js";

// The live progress line of a slow call, as a person sees it: the built bin on a pseudo-terminal.

let api: FakeApi | undefined;
let terminal: Terminal | undefined;
let dir: string | undefined;
afterEach(async () => {
  await terminal?.close();
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  terminal = api = dir = undefined;
});

describe("a slow call on a terminal", () => {
  it("shows a live progress line with the server's message after a second, and clears it when the call ends", async () => {
    api = await startFakeApi([calls(use("v1__slow", { ms: 2500 })), done("All done.")]);
    dir = mkdtempSync(join(tmpdir(), "agent-progress-"));
    const ws = v1Workspace();
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    terminal = openTerminal([process.execPath, AGENT_BIN, "--config", ws.config, "--workspace", ws.dir, "wait a bit"], {
      cwd: dir,
      env,
    });
    await terminal.waitFor(/… v1__slow crunching numbers \d+\/2500 \([12] s\)/, 20_000);
    await terminal.waitFor(/All done\./, 20_000);
    expect(await terminal.exit()).toBe(0);
    const raw = terminal.raw();
    const lastLine = raw.lastIndexOf("crunching numbers");
    const result = raw.indexOf("waited 2500 ms", lastLine);
    // Erased (carriage return, erase line) after its last update, before the call's result is printed.
    expect(raw.slice(lastLine, result)).toContain("\r\x1b[2K");
  }, 30_000);
});

describe("a dumb terminal (TERM=dumb, as Emacs' shell sets)", () => {
  it("gets no escape sequence at all: no colours, no live progress line, a server's log line plain", async () => {
    api = await startFakeApi([calls(use("v1__slow", { ms: 1500 }), use("v1__log", {})), done("All done.")]);
    dir = mkdtempSync(join(tmpdir(), "agent-dumb-"));
    const ws = v1Workspace();
    const env = { PATH: process.env.PATH, TERM: "dumb", ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    terminal = openTerminal([process.execPath, AGENT_BIN, "--config", ws.config, "--workspace", ws.dir, "wait a bit"], {
      cwd: dir,
      env,
    });
    await terminal.waitFor(/All done\./, 20_000);
    expect(await terminal.exit()).toBe(0);
    expect(terminal.output()).toMatch(/→ v1__slow \{"ms":1500\}\n[\s\S]*\[v1\/fx\] warning: a warning message\n/);
    expect(terminal.raw()).not.toContain("\x1b");
  }, 30_000);
});

describe("a reply with extended thinking", () => {
  it.each([
    [
      "thinking, then the answer",
      [
        ["thinking", "hm, "],
        ["thinking", "two rows"],
        ["text", "The answer."],
      ],
      "(thinking) hm, two rows\nThe answer.\n",
    ],
    [
      "text, thinking, text",
      [
        ["text", "First."],
        ["thinking", "then?"],
        ["text", "Second."],
      ],
      "First.\n(thinking) then?\nSecond.\n",
    ],
    [
      "no thinking: text joined as it streams",
      [
        ["text", "Hel"],
        ["text", "lo."],
      ],
      "Hello.\n",
    ],
  ] as [string, ["text" | "thinking", string][], string][])(
    "%s: the thinking is on its own lines, marked in words",
    (_, parts, shown) => {
      const out = new PassThrough();
      const renderer = new TerminalRenderer(out, new PassThrough(), false);
      for (const [kind, delta] of parts) renderer[kind](delta);
      renderer.endMessage();
      expect(out.read()?.toString()).toBe(shown);
    },
  );
});

describe("the live progress line on a narrow terminal", () => {
  it("never reaches the terminal's width, so its erase (one row) leaves nothing behind", () => {
    const out = Object.assign(new PassThrough(), { columns: 30 });
    let written = "";
    out.on("data", (c: Buffer) => {
      written += c.toString();
    });
    const renderer = new TerminalRenderer(out, new PassThrough(), false, true);
    const message = `fetching ${"漢".repeat(80)}`;
    renderer.progress({ id: "t", name: "api__http_get", elapsedMs: 1500, tick: false, progress: 0, message });
    const line = written.replace("\r\x1b[2K", "");
    expect(line.startsWith("  … api__http_get fetching")).toBe(true);
    expect(columnsOf(line)).toBeLessThan(30);
  });
});

describe("the live progress line while a question is asked", () => {
  it("is erased when a question starts, not drawn while it is open, and drawn again after", () => {
    const out = new PassThrough();
    let written = "";
    out.on("data", (c: Buffer) => {
      written += c.toString();
    });
    const renderer = new TerminalRenderer(out, new PassThrough(), false, true);
    const tick = (s: number) => renderer.progress({ id: "t", name: "v1__ask", elapsedMs: s * 1000, tick: true });
    tick(1);
    expect(written).toBe("\r\x1b[2K  … v1__ask (1 s)");
    written = "";
    renderer.asking(true);
    expect(written).toBe("\r\x1b[2K");
    written = "";
    tick(2);
    tick(3);
    expect(written).toBe("");
    renderer.asking(false);
    tick(4);
    expect(written).toBe("\r\x1b[2K  … v1__ask (4 s)");
  });
});

describe("--ask with stdout piped on (mcp-agent --ask … | tee log)", () => {
  it("keeps the question and its answer on a line of their own: a parallel call's result waits for the answer", async () => {
    api = await startFakeApi([calls(use("fx__write_note", { text: "x" }), use("fx__slow", { ms: 800 })), done("ok")]);
    const ws = fixtureWorkspace();
    dir = mkdtempSync(join(tmpdir(), "agent-tee-"));
    const [log, audit] = [join(dir, "log"), join(dir, "audit.jsonl")];
    const flags = ["--config", ws.config, "--workspace", ws.dir, "--audit", audit, "--ask", "note it"];
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const agent = [process.execPath, AGENT_BIN, ...flags].map(shellQuote).join(" ");
    terminal = openTerminal(["sh", "-c", `${agent} | tee ${shellQuote(log)}`], { cwd: dir, env });
    await terminal.waitFor(/\[y\/N\/a\] $/, 20_000);
    // The slow call has ended (the audit log has its line) while the question waits.
    expect(await waitUntil(() => existsSync(audit) && readFileSync(audit, "utf8").includes('"slow"'), 10_000)).toBe(
      true,
    );
    terminal.type("y");
    await terminal.waitFor(/\nok\n/, 20_000);
    expect(await terminal.exit()).toBe(0);
    expect(terminal.output()).toMatch(/\nallow fx__write_note \{"text":"x"\}\? \[y\/N\/a\] y\n {2}← waited 800 ms /);
    expect(readFileSync(log, "utf8")).toMatch(/→ fx__slow \{"ms":800\}\n {2}← waited 800 ms [^\n]*\n {2}← noted: x/);
  }, 30_000);
});
