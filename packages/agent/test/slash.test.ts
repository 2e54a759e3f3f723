import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { listPrompts, type ServerPrompt } from "../src/server-prompts.js";
import { ServerPool } from "../src/servers.js";
import { completer, helpText, parseSlash, promptProblem, promptTurn } from "../src/slash.js";
import { done, type FakeApi, startFakeApi } from "./fixtures/fake-api.js";
import { runAgent, V1_FIXTURE, v1Workspace } from "./fixtures/harness.js";
import { AGENT_BIN } from "./fixtures/procs.js";
import { openTerminal, type Terminal } from "./fixtures/pty.js";

describe("parseSlash", () => {
  it.each<[string, unknown]>([
    ["fix the bug", undefined],
    ["/etc/hosts looks wrong", undefined],
    ["/help", { kind: "help" }],
    ["/exit", { kind: "quit" }],
    [" /quit ", { kind: "quit" }],
    ["/exit now", { kind: "quit" }],
    ["/servers", { kind: "servers" }],
    [" /mcp ", { kind: "servers" }],
    ["/clear", { kind: "clear" }],
    [" /clear ", { kind: "clear" }],
    ["/clear everything", { kind: "error", message: "/clear takes no arguments; type it alone" }],
    ["/servers db", { kind: "error", message: "/servers takes no arguments; type it alone" }],
    ["/mcp  db", { kind: "error", message: "/mcp takes no arguments; type it alone" }],
    ["/help prompts", { kind: "error", message: "/help takes no arguments; type it alone" }],
    ["/clears", { kind: "error", message: "unknown command /clears; did you mean /clear? /help lists the commands" }],
    ["/exits", { kind: "error", message: "unknown command /exits; did you mean /exit? /help lists the commands" }],
    ["/hlep", { kind: "error", message: "unknown command /hlep; did you mean /help? /help lists the commands" }],
    [
      "/Servers",
      { kind: "error", message: "unknown command /Servers; did you mean /servers? /help lists the commands" },
    ],
    ["/db:write-query", { kind: "prompt", server: "db", name: "write-query", args: {} }],
    [
      '/db:write-query question="top 5 customers" limit=5',
      { kind: "prompt", server: "db", name: "write-query", args: { question: "top 5 customers", limit: "5" } },
    ],
    [
      "/v1:review file='a b.ts' topic=",
      { kind: "prompt", server: "v1", name: "review", args: { file: "a b.ts", topic: "" } },
    ],
    [
      '/v1:review file="a b.ts topic=style',
      {
        kind: "error",
        message: 'the value of file opens a quote (") that is not closed; quote a value with spaces whole: file="a b"',
      },
    ],
    [
      "/v1:review topic=style file='a",
      {
        kind: "error",
        message: "the value of file opens a quote (') that is not closed; quote a value with spaces whole: file='a b'",
      },
    ],
    [
      '/v1:review file="a b".ts topic=style',
      {
        kind: "error",
        message:
          'the value of file goes on after its closing quote ("); quote the whole value, and put a space before the next argument: file="a b.ts"',
      },
    ],
    ['/v1:review file=a"b topic=', { kind: "prompt", server: "v1", name: "review", args: { file: 'a"b', topic: "" } }],
    ["/v1:review a.ts", { kind: "error", message: expect.stringContaining("arguments are name=value") }],
    ["/frobnicate", { kind: "error", message: "unknown command /frobnicate; /help lists the commands" }],
  ])("%j", (line, expected) => {
    expect(parseSlash(line)).toEqual(expected);
  });
});

describe("promptTurn", () => {
  /** A 1×1 PNG, as base64. */
  const png = Buffer.from(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
    "hex",
  ).toString("base64");
  const image = (data: string) => ({
    role: "user" as const,
    content: { type: "image" as const, data, mimeType: "image/png" },
  });
  const say = (text: string, role: "user" | "assistant" = "user") => ({
    role,
    content: { type: "text" as const, text },
  });

  it.each<[string, Parameters<typeof promptTurn>[0]["messages"], string, number]>([
    ["text only", [say("Explain this."), say("Sure.", "assistant")], "Explain this.\n\n(assistant) Sure.", 0],
    [
      "an image: sent as an image, named in the text",
      [say("What is wrong in this screenshot?"), image(png)],
      "What is wrong in this screenshot?\n\n[image 1, after this text]",
      1,
    ],
    [
      "an image the API would refuse: a note in its place",
      [image(png.slice(0, 40))],
      "[image omitted: not a whole image/png",
      0,
    ],
    [
      "a message for the user only: not sent, and the model told so; one for the model only: sent",
      [
        say("Do it."),
        { role: "user", content: { type: "text", text: "Only you see this.", annotations: { audience: ["user"] } } },
        { role: "user", content: { type: "text", text: "Model only.", annotations: { audience: ["assistant"] } } },
      ],
      "Do it.\n\nModel only.\n\n[1 message of this prompt shown to the user only (the server marked it for the user), not to you]",
      0,
    ],
  ])("%s", (_, messages, text, images) => {
    const turn = promptTurn({ messages });
    expect(turn.text).not.toContain("Only you see this.");
    expect(turn.forUser).toBe(text.includes("shown to the user only") ? "Only you see this." : undefined);
    expect(turn.text.startsWith(text)).toBe(true);
    expect(turn.images).toHaveLength(images);
    if (images)
      expect(turn.images[0]).toEqual({ type: "image", source: { type: "base64", media_type: "image/png", data: png } });
  });
});

describe("promptProblem", () => {
  const prompts: ServerPrompt[] = [
    {
      server: "v1",
      prompt: {
        name: "review",
        arguments: [
          { name: "file", required: true },
          { name: "topic", required: false },
        ],
      },
    },
  ];
  it.each<[string, string | undefined]>([
    ["/v1:review file=a", undefined],
    ["/v1:nope", "no prompt /v1:nope; prompts: /v1:review (/help shows their arguments)"],
    ["/v1:review", "/v1:review needs file=…"],
    ["/v1:review file=a colour=red", "/v1:review takes file, topic, not colour"],
  ])("%j", (line, expected) => {
    expect(promptProblem(parseSlash(line) as never, prompts)).toBe(expected);
  });
});

let api: FakeApi | undefined;
let pool: ServerPool | undefined;
afterEach(async () => {
  await api?.close();
  await pool?.close();
  api = undefined;
  pool = undefined;
});

describe("prompts at the REPL", () => {
  it("a prompt message for the user only is shown on the terminal, not sent to the model", async () => {
    api = await startFakeApi([done("Done.")]);
    const ws = v1Workspace([], {
      aud: { command: process.execPath, args: [V1_FIXTURE], env: { FIXTURE_AUDIENCES: "1" } },
    });
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const r = await runAgent({ config: ws.config, workspace: ws.dir }, [], env, { stdin: "/aud:audiences\n\n" });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "mcp-agent: /aud:audiences, for you only (not sent to the model):\n    Shown to you only.\n",
    );
    const first = api.requests[0]?.body.messages[0]?.content as { text: string }[];
    expect(first.map((b) => b.text)).toEqual([
      "Do the task.\n\nFor the model only.\n\n[1 message of this prompt shown to the user only (the server marked it for the user), not to you]",
    ]);
  });

  it("/help lists each server's prompts with their arguments; /server:prompt sends the prompt as the next turn", async () => {
    api = await startFakeApi([done("Reviewed."), done("Summarised.")]);
    const ws = v1Workspace(["file"]);
    mkdirSync(join(ws.dir, "docs"), { recursive: true });
    writeFileSync(join(ws.dir, "docs", "README.md"), "The docs folder.");
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const r = await runAgent({ config: ws.config, workspace: ws.dir }, [], env, {
      stdin:
        "/help\n/v1:review file=a.ts topic=security\n/v1:nope\n/file:summarize-folder path=docs\n/exit\nnot a turn\n",
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("  /v1:review file=… topic=… — Review a file for a topic.");
    expect(r.stderr).toMatch(/^ {2}\/clear {17}starts a fresh conversation/m);
    expect(r.stderr).toMatch(/ {2}\/file:summarize-folder path=…( \(optional\))? — A folder's tree/);
    const first = api.requests[0]?.body.messages[0]?.content as { text: string }[];
    expect(first[0]?.text).toBe("Review a.ts for security.");
    expect(r.stderr).toContain("/v1:review: the prompt (1 message) is your turn");
    expect(r.stderr).toContain("no prompt /v1:nope; prompts: ");
    const turn = api.requests[1]?.body.messages[2]?.content as { text: string }[] | undefined;
    const second = turn?.[0]?.text;
    expect(second).toContain("Summarise the folder docs");
    expect(second).toContain("The docs folder.");
    // /exit ended the session: the line after it was never sent.
    expect(api.requests).toHaveLength(2);
  });
});

describe("the SQLite server's prompts at the REPL", () => {
  it("/db:write-query question=… sends the schema and the question as the next turn", async () => {
    api = await startFakeApi([done("SELECT name FROM items ORDER BY qty DESC LIMIT 5")]);
    const ws = v1Workspace(["db"]);
    // The agent does not depend on SQLite; the db server's package does, and seeds the file here.
    const Database = createRequire(new URL("../../sqlite/package.json", import.meta.url))("better-sqlite3") as new (
      file: string,
    ) => { exec(sql: string): void; close(): void };
    const db = new Database(join(ws.dir, "data.db"));
    db.exec("CREATE TABLE items (name TEXT, qty INTEGER); INSERT INTO items VALUES ('bolt', 7), ('nut', 3)");
    db.close();
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const r = await runAgent({ config: ws.config, workspace: ws.dir }, [], env, {
      stdin: '/db:write-query question="which items run low?"\n\n',
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("/db:write-query: the prompt");
    const turn = api.requests[0]?.body.messages[0]?.content as { text: string }[] | undefined;
    const text = turn?.map((part) => part.text).join("\n") ?? "";
    expect(text).toContain("which items run low?");
    expect(text).toContain("CREATE TABLE items");
    expect(text).toMatch(/SELECT/);
  });
});

describe("tab completion", () => {
  it("completes prompt names, argument names, and values through the server's completion/complete", async () => {
    pool = new ServerPool({ startupTimeoutMs: 10_000, env: { PATH: process.env.PATH } });
    const spec = {
      kind: "stdio" as const,
      name: "v1",
      command: process.execPath,
      args: [V1_FIXTURE],
      env: {},
      builtin: false,
    };
    expect(await pool.start([spec])).toEqual([]);
    const p = pool;
    const complete = completer(p, () => listPrompts(p, 5000), 5000);
    expect(await complete("/v1:r")).toEqual([["/v1:review "], "/v1:r"]);
    expect(await complete("/v1:review file=a.ts t")).toEqual([["topic="], "t"]);
    expect(await complete("/v1:review file=a.ts topic=s")).toEqual([
      ["topic=security", "topic=style", "topic=speed"],
      "topic=s",
    ]);
    expect(await complete("/v1:review topic=sp")).toEqual([["topic=speed"], "topic=sp"]);
    // The arguments typed before go with the request (context.arguments), so a value can depend on them.
    expect(await complete("/v1:review file=q.sql topic=s")).toEqual([
      ["topic=security", "topic=style", "topic=speed", "topic=sql-injection"],
      "topic=s",
    ]);
    expect(await complete('/v1:review file="my q.sql" topic=sq')).toEqual([["topic=sql-injection"], "topic=sq"]);
    expect(await complete("/nope:x a=")).toEqual([[], "/nope:x a="]);
  });

  it("completes the session's own commands, alone or beside the prompts", async () => {
    const none = new ServerPool({ startupTimeoutMs: 1000, env: {} });
    const complete = completer(none, async () => [], 1000);
    expect(await complete("/cl")).toEqual([["/clear"], "/cl"]);
    expect(await complete("/s")).toEqual([["/servers"], "/s"]);
    expect(await complete("/e")).toEqual([["/exit"], "/e"]);
    expect(await complete("/x")).toEqual([[], "/x"]);
    const withPrompt = completer(none, async () => [{ server: "help", prompt: { name: "me" } }], 1000);
    expect(await withPrompt("/he")).toEqual([["/help", "/help:me "], "/he"]);
  });

  it("offers a server's names and values as text: readline prints them, so no escape sequence reaches the terminal", async () => {
    // A server that completes every value with escape sequences (clear screen, a window title).
    const client = {
      getServerCapabilities: () => ({ completions: {} }),
      complete: async () => ({ completion: { values: ["c1\x1b[2J", "c2\x1b]0;title\x07"] } }),
    };
    const hostile = { request: async (_server: string, use: (c: typeof client) => unknown) => use(client) };
    const prompt = { name: "p\x1b[2J", arguments: [{ name: "arg\x1b]0;t\x07" }] };
    const complete = completer(hostile as never, async () => [{ server: "h", prompt }], 1000);
    expect(await complete("/h")).toEqual([["/help", "/h:p[2J "], "/h"]);
    expect(await complete("/h:p\x1b[2J a")).toEqual([["arg]0;t="], "a"]);
    expect(await complete("/h:p\x1b[2J x=")).toEqual([["x=c1[2J", "x=c2]0;title"], "x="]);
  });
});

describe("helpText", () => {
  it("lists a server's prompt and argument names as text, without the escape sequences they hold", () => {
    const prompt = {
      name: "p\x1b[2J\x1b]0;t\x07",
      description: "d\x1b[1A",
      arguments: [{ name: "a\x1b[2J", required: true }],
    };
    const text = helpText([{ server: "h", prompt }]);
    expect(text).toContain("  /h:p[2J]0;t a[2J=… — d[1A\n");
    expect(text).not.toContain("\x1b");
  });
});

describe("tab completion on a real terminal (built bin on a pseudo-terminal)", () => {
  let terminal: Terminal | undefined;
  afterEach(async () => {
    await terminal?.close();
    terminal = undefined;
  });

  it("completes a prompt's name and an argument's value, and the completed line runs the prompt", async () => {
    api = await startFakeApi([done("Reviewed.")]);
    const ws = v1Workspace();
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    terminal = openTerminal([process.execPath, AGENT_BIN, "--config", ws.config, "--workspace", ws.dir], {
      cwd: ws.dir,
      env,
    });
    await terminal.waitFor(/\/exit or Ctrl-D to quit\n+> $/, 20_000);
    terminal.press("/v1:rev\t");
    await terminal.waitFor(/\/v1:review $/);
    terminal.press("file=a.ts topic=sp\t");
    await terminal.waitFor(/topic=speed$/);
    terminal.press("\r");
    await terminal.waitFor(/Reviewed\.\n+> $/, 20_000);
    terminal.type("/exit");
    expect(await terminal.exit()).toBe(0);
    const first = api.requests[0]?.body.messages[0]?.content as { text: string }[];
    expect(first[0]?.text).toBe("Review a.ts for speed.");
  }, 40_000);
});
