import { afterEach, describe, expect, it } from "vitest";
import { printable, printableJson, terminalStyle } from "../src/terminal-text.js";
import { calls, done, type FakeApi, startFakeApi, text, use } from "./fixtures/fake-api.js";
import { fixtureWorkspace, runAgent } from "./fixtures/harness.js";

describe("terminalStyle", () => {
  it.each<[string, boolean, Record<string, string>, { color: boolean; live: boolean }]>([
    ["a terminal", true, { TERM: "xterm-256color" }, { color: true, live: true }],
    ["a terminal with no TERM", true, {}, { color: true, live: true }],
    ["NO_COLOR: no colours, the progress line still live", true, { NO_COLOR: "1" }, { color: false, live: true }],
    ["an empty NO_COLOR is not set", true, { NO_COLOR: "" }, { color: true, live: true }],
    ["TERM=dumb prints escapes as text: none", true, { TERM: "dumb" }, { color: false, live: false }],
    ["a file or pipe", false, { TERM: "xterm" }, { color: false, live: false }],
    [
      "FORCE_COLOR in a pipe (a CI log): colours, nothing rewritten",
      false,
      { FORCE_COLOR: "1" },
      { color: true, live: false },
    ],
    ["FORCE_COLOR=3 on a dumb terminal", true, { TERM: "dumb", FORCE_COLOR: "3" }, { color: true, live: false }],
    [
      "FORCE_COLOR wins over NO_COLOR, as in Node",
      true,
      { NO_COLOR: "1", FORCE_COLOR: "true" },
      { color: true, live: true },
    ],
    ["FORCE_COLOR=0 on a terminal", true, { FORCE_COLOR: "0" }, { color: false, live: true }],
    ["FORCE_COLOR=false on a terminal", true, { FORCE_COLOR: "false" }, { color: false, live: true }],
    ["an empty FORCE_COLOR is not set", false, { FORCE_COLOR: "" }, { color: false, live: false }],
  ])("%s", (_, tty, env, style) => {
    expect(terminalStyle(tty, env)).toEqual(style);
  });
});

describe("printable", () => {
  it.each([
    ["plain text, newlines and tabs", "a\tb\nc", "a\tb\nc"],
    ["a window title (OSC … BEL)", "\x1b]0;owned\x07after", "]0;ownedafter"],
    ["a title ended by ST (ESC \\)", "\x1b]2;t\x1b\\x", "]2;t\\x"],
    ["erase line and cursor up", "\x1b[2K\x1b[1Aline", "[2K[1Aline"],
    ["conceal (SGR 8) before a question", "\x1b[8mallow?", "[8mallow?"],
    ["a one-character C1 CSI (U+009B)", "\u009b8mhidden", "8mhidden"],
    ["C1 OSC (U+009D) and ST (U+009C)", "\u009d0;t\u009cx", "0;tx"],
    ["carriage return overwriting the line", "safe\rEVIL", "safeEVIL"],
    ["backspaces erasing characters", "rm -rf /\b\b\b\b\b\b\b\bls", "rm -rf /ls"],
    ["DEL", "a\x7fb", "ab"],
    ["NUL, vertical tab, form feed", "a\0b\vc\fd", "abcd"],
    ["bidi override turning a host around", "evil.\u202eelpmaxe\u202c", "evil.elpmaxe"],
    ["bidi isolates and marks", "\u2066a\u2069\u200e\u200f\u061c", "a"],
    ["printable non-ASCII stays", "café ✓ 日本 \u00a0", "café ✓ 日本 \u00a0"],
    ["an escape split across two pieces of a stream", "\x1b", ""],
  ])("%s", (_case, input, expected) => {
    expect(printable(input)).toBe(expected);
  });

  it("printableJson keeps the data and escapes what JSON.stringify leaves raw", () => {
    const value = { t: "\x1b[2K \u009b8m \x7f \u202e \u2028 ok" };
    const json = printableJson(value, 2);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must not be there.
    expect(json).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e\u2028]/);
    expect(json).toContain("\\u009b");
    expect(JSON.parse(json)).toEqual(value);
  });
});

/** Control characters a terminal acts on (newline and tab are text). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must not be there.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe("what reaches the terminal from a model, a tool or a server", () => {
  let api: FakeApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it("carries no control sequence: streamed text, tool names, arguments, results, server stderr, summary", async () => {
    // The text is streamed in two halves: the title sequence is cut between them.
    const streamed = "Done.\x1b]0;ow|ned\x07 \u009b2J\x1b[8m";
    api = await startFakeApi([
      calls(
        text("Reading.\x1b[2K"),
        use("fx__echo", { text: "line\x1b[1A\x1b[2Kfake ok\rover \u009b8m" }),
        use("fx__\x1b[8mnope", { x: "\u009b" }),
      ),
      done(streamed),
    ]);
    const ws = fixtureWorkspace({ FIXTURE_HOSTILE: "1" });
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const r = await runAgent({ config: ws.config, workspace: ws.dir, verbose: true }, ["go"], env);
    expect(r.code).toBe(0);
    // What the agent showed is all there, minus the control characters.
    expect(r.stdout).toContain("Done.]0;ow|ned 2J[8m");
    expect(r.stdout).toContain("line[1A[2Kfake ok over 8m");
    expect(r.stderr).toContain("[fx] fixture: ]0;owned[2K[1Astarting8m");
    expect(r.stdout).toMatch(/unknown tool "fx__\[8mnope"/);
    expect(r.stdout).not.toMatch(CONTROL);
    expect(r.stderr).not.toMatch(CONTROL);
  });

  it("--list-tools shows a description's text without its escapes; --json escapes C1 and bidi controls", async () => {
    const ws = fixtureWorkspace({ FIXTURE_HOSTILE: "1" });
    const plain = await runAgent({ config: ws.config, workspace: ws.dir }, [], {}, { listTools: true });
    expect(plain.stdout).toMatch(/^fx__hostile\s+ro\s+\[fx\] Looks harmless\.\[8m Everything after this/m);
    expect(plain.stdout).not.toMatch(CONTROL);
    const json = await runAgent({ config: ws.config, workspace: ws.dir, json: true }, [], {}, { listTools: true });
    expect(json.stdout).not.toMatch(CONTROL);
    const hostile = JSON.parse(json.stdout).tools.find((t: { name: string }) => t.name === "fx__hostile");
    expect(hostile.description).toContain("\x1b[8m");
  });

  it("the --ask question shows control characters in the arguments as \\u escapes, never raw", async () => {
    api = await startFakeApi([
      calls(use("fx__write_note", { text: "\x1b[8m\u009b8mhidden\u202eton si siht" })),
      done("ok"),
    ]);
    const ws = fixtureWorkspace();
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const r = await runAgent({ config: ws.config, workspace: ws.dir, ask: true }, ["go"], env, {
      stdin: "n\n",
      tty: true,
    });
    // What the tool would get, to the character: JSON.stringify escapes ESC but leaves C1 and bidi controls raw.
    expect(r.stderr).toContain('allow fx__write_note {"text":"\\u001b[8m\\u009b8mhidden\\u202eton si siht"}? [y/N/a]');
    expect(r.stderr).not.toMatch(/[\u009b\u202e]/);
  });
});
