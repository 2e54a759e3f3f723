import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { calls, done, type FakeApi, type Reply, startFakeApi, toolResults, use } from "./fixtures/fake-api.js";
import { AGENT_BIN, isAlive, startAgent, waitUntil } from "./fixtures/procs.js";
import { openTerminal, type Terminal } from "./fixtures/pty.js";

// The agent as shipped (dist/cli.cjs, run from its code cache) in its conversational modes: the interactive session
// on a terminal and piped, and --ask. Each ran only from the TypeScript sources until a bundled import() killed them
// at their first prompt. The built-in servers start as the agent starts them, from their snapshots.

let api: FakeApi | undefined;
let terminal: Terminal | undefined;
let dir: string | undefined;
afterEach(async () => {
  await terminal?.close();
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  terminal = api = dir = undefined;
});

/** A scripted model, a fresh folder to run in, and the environment that points the agent at both. */
async function setUp(script: Reply[]) {
  api = await startFakeApi(script);
  dir = mkdtempSync(join(tmpdir(), "agent-bin-"));
  const workspace = join(dir, "workspace");
  const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
  return { api, dir, workspace, env, flags: ["--workspace", workspace] };
}

/** The agent on a terminal, in colour as a person would see it (the terminal helper strips the escapes). */
function onTerminal(args: string[], run: Awaited<ReturnType<typeof setUp>>): Terminal {
  terminal = openTerminal([process.execPath, AGENT_BIN, ...run.flags, ...args], { cwd: run.dir, env: run.env });
  return terminal;
}

/** Everything the user said to the model in a request. */
const userWords = (api: FakeApi, i: number) =>
  JSON.stringify(api.requests[i]?.body.messages.filter((m) => m.role === "user"));

describe("mcp-agent (built bin), interactive", () => {
  it("on a terminal: each typed task reaches the model with the history so far; an empty line asks again, /exit quits with 0", async () => {
    const run = await setUp([done("Hello from the scripted model."), done("Still here.")]);
    const term = onTerminal([], run);
    await term.waitFor(/\d+ tools from file, db, api; \/exit or Ctrl-D to quit\n+> /);
    const started = term.processes();
    term.type("say hello");
    await term.waitFor(/Hello from the scripted model\.\n+> /);
    // A stray Enter: the prompt again, the conversation kept.
    term.type("");
    await term.waitFor(/> /);
    term.type("and again");
    await term.waitFor(/Still here\.\n+> /);
    term.type("/exit");
    expect(await term.exit()).toBe(0);
    expect(term.output()).toMatch(/── 2 turns · /);
    expect(userWords(run.api, 0)).toContain("say hello");
    expect(userWords(run.api, 1)).toMatch(/say hello.*and again/);
    expect(await waitUntil(() => started.every((pid) => !isAlive(pid)), 3000)).toBe(true);
  }, 30_000);

  it.each([
    ["Ctrl-D quits (exit 0)", "\x04", 0],
    ["Ctrl-C twice quits (exit 0)", "\x03\x03", 0],
  ])("on a terminal at the prompt, %s and every server stops", async (_, key, code) => {
    const run = await setUp([]);
    const term = onTerminal([], run);
    await term.waitFor(/\/exit or Ctrl-D to quit\n+> /);
    const started = term.processes();
    term.press(key as string);
    // 0, not 130: the prompt itself gave way; a stuck shutdown is only ever forced on a signal, with 130.
    expect(await term.exit()).toBe(code);
    expect(term.output()).not.toMatch(/interrupted; stopping servers/);
    expect(run.api.requests).toEqual([]);
    expect(await waitUntil(() => started.every((pid) => !isAlive(pid)), 3000)).toBe(true);
  });

  it.each([
    ["stdin at its end at once (/dev/null, an unset $TASK in a script)", ""],
    ["a first line that is empty", "\nhello\n"],
  ])(
    "piped, no task and %s: nothing is asked, exit 2 saying how to give the task",
    async (_, input) => {
      const run = await setUp([done("never asked")]);
      const r = await startAgent([...run.flags, "--json"], run.env, { cwd: run.dir, input }).exited;
      expect(r.code).toBe(2);
      const error =
        "nothing to do: no task was given, and stdin (not a terminal) ended, or gave an empty line, before a first line; give the task as an argument (mcp-agent \"…\"), or pipe the session's lines in (printf 'task\\n' | mcp-agent)";
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, exitCode: 2, error });
      expect(r.stderr).toContain(`mcp-agent: ${error}\n`);
      // No prompt was left open for the refusal to follow on its line.
      expect(r.stderr).not.toContain("> ");
      expect(run.api.requests).toEqual([]);
    },
    30_000,
  );

  it("piped (printf 'hello\\n\\n' | mcp-agent): the line reaches the model and the empty line quits with 0", async () => {
    const run = await setUp([done("Hi from the scripted model.")]);
    const { exited } = startAgent(run.flags, run.env, { cwd: run.dir, input: "hello\n\n" });
    const r = await exited;
    expect(r.stderr).toMatch(/empty line or Ctrl-D to quit[\s\S]*── 1 turn · /);
    // The piped line is shown after its prompt, as a typed one is; no prompt is left open before the summary.
    expect(r.stderr).toContain("\n> hello\n");
    expect(r.stderr.match(/> /g)).toHaveLength(1);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Hi from the scripted model.");
    expect(run.api.requests).toHaveLength(1);
    expect(userWords(run.api, 0)).toContain("hello");
  }, 30_000);
});

describe("mcp-agent (built bin), --ask", () => {
  const write = { path: "asked.txt", content: "written after a yes" };
  const question = /allow file__write_file \{"path":"asked\.txt","content":"written after a yes"\}\? \[y\/N\/a\] /;

  it("asks on the terminal before a write, not before a read; y runs the write", async () => {
    const run = await setUp([
      calls(use("file__list_directory", {}), use("file__write_file", write)),
      done("Wrote asked.txt."),
    ]);
    const term = onTerminal(["--ask", "write asked.txt"], run);
    await term.waitFor(question);
    expect(existsSync(join(run.workspace, "asked.txt"))).toBe(false);
    term.type("y");
    await term.waitFor(/Wrote asked\.txt\./);
    expect(await term.exit()).toBe(0);
    expect(term.output()).not.toMatch(/allow file__list_directory/);
    expect(readFileSync(join(run.workspace, "asked.txt"), "utf8")).toBe("written after a yes");
    expect(toolResults(run.api.requests[1]).map((r) => r.is_error ?? false)).toEqual([false, false]);
  }, 30_000);

  it("n: the write does not run, and the model is told it was declined", async () => {
    const run = await setUp([calls(use("file__write_file", write)), done("Understood, nothing written.")]);
    const term = onTerminal(["--ask", "write asked.txt"], run);
    await term.waitFor(question);
    term.type("n");
    await term.waitFor(/Understood, nothing written\./);
    expect(await term.exit()).toBe(0);
    expect(existsSync(join(run.workspace, "asked.txt"))).toBe(false);
    const [declined] = toolResults(run.api.requests[1]);
    expect(declined?.is_error).toBe(true);
    expect(declined?.content[0]?.text).toMatch(/declined/);
  }, 30_000);

  it("asks before a GET that can carry data off the machine, naming the host; y sends it", async () => {
    const seen: string[] = [];
    const site = createServer((req, res) => {
      seen.push(req.url ?? "");
      res.end("ok");
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    try {
      const host = `127.0.0.1:${(site.address() as AddressInfo).port}`;
      const run = await setUp([calls(use("api__http_get", { url: `http://${host}/?d=notes` })), done("Sent.")]);
      // The api server refuses loopback addresses unless told otherwise; the test's site is on one.
      const term = openTerminal([process.execPath, AGENT_BIN, ...run.flags, "--ask", "send the notes"], {
        cwd: run.dir,
        env: { ...run.env, MCP_HTTP_ALLOW_PRIVATE: "1" },
      });
      terminal = term;
      await term.waitFor(
        new RegExp(
          `allow api__http_get → ${host.replace(/\./g, "\\.")} \\(a service on this machine\\) \\{"url":.*\\? \\[y/N/a\\] `,
        ),
      );
      expect(seen).toEqual([]);
      term.type("y");
      await term.waitFor(/Sent\./);
      expect(await term.exit()).toBe(0);
      expect(seen).toEqual(["/?d=notes"]);
    } finally {
      await new Promise<void>((resolve) => site.close(() => resolve()));
    }
  }, 30_000);

  it("is refused without a terminal, in one line, exit 2, before anything starts", async () => {
    const run = await setUp([done("never asked")]);
    const { exited } = startAgent([...run.flags, "--ask", "write asked.txt"], run.env, { cwd: run.dir, input: "y\n" });
    expect(await exited).toMatchObject({
      code: 2,
      stderr: "mcp-agent: --ask needs a terminal to ask on (stdin is not a TTY); drop --ask or use --read-only\n",
    });
    expect(run.api.requests).toEqual([]);
    expect(existsSync(run.workspace)).toBe(false);
  });
});

describe("mcp-agent (built bin), on a terminal in colour", () => {
  it("keeps its own colours and passes none of the escape sequences a file or the model sends", async () => {
    const run = await setUp([
      calls(use("file__read_file", { path: "page.html" })),
      done("Summary:\x1b]0;owned\x07 fine\x1b[8m\u009b2J"),
    ]);
    mkdirSync(run.workspace);
    // A page that retitles the window, erases the line above, and hides everything after it.
    writeFileSync(join(run.workspace, "page.html"), "<p>hi</p>\x1b]0;owned\x07\x1b[1A\x1b[2K\x1b[8m\u009b8m");
    const term = onTerminal(["summarise page.html"], run);
    await term.waitFor(/Summary:\]0;owned fine\[8m2J/);
    expect(await term.exit()).toBe(0);
    const raw = term.raw();
    expect(raw).toContain("\x1b[1m→ file__read_file\x1b[22m");
    expect(raw).toContain("\x1b[32m←\x1b[39m <p>hi</p>]0;owned[1A[2K[8m8m");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape sequences are what is looked for.
    const sequences = new Set(raw.match(/\u001b[^a-zA-Z]*[a-zA-Z]?|\u009b/g));
    // Bold, dim and green, each with its reset: the agent's own, and nothing else.
    expect([...sequences].sort()).toEqual(["\x1b[1m", "\x1b[22m", "\x1b[2m", "\x1b[32m", "\x1b[39m"].sort());
  }, 30_000);

  it("writes no colour on a terminal when NO_COLOR is set", async () => {
    const run = await setUp([calls(use("file__list_directory", { path: "." })), done("Listed.")]);
    mkdirSync(run.workspace);
    const term = onTerminal(["list the workspace"], { ...run, env: Object.assign({ NO_COLOR: "1" }, run.env) });
    await term.waitFor(/Listed\./);
    expect(await term.exit()).toBe(0);
    expect(term.raw()).toContain("→ file__list_directory");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: a colour sequence is what must be absent.
    expect(term.raw()).not.toMatch(/\u001b\[\d*m/);
  }, 30_000);
});
