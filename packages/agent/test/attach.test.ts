import { afterEach, describe, expect, it } from "vitest";
import { findMentions } from "../src/attach.js";
import { done, type FakeApi, startFakeApi } from "./fixtures/fake-api.js";
import { runAgent, v1Workspace } from "./fixtures/harness.js";

describe("findMentions", () => {
  it.each<[string, { server: string; uri: string }[]]>([
    ["look at @db:sqlite://schema", [{ server: "db", uri: "sqlite://schema" }]],
    ["@db:sqlite://schema.", [{ server: "db", uri: "sqlite://schema" }]],
    ["(@v1:fixture://greeting)", [{ server: "v1", uri: "fixture://greeting" }]],
    ["see @v1:fixture://greeting), then", [{ server: "v1", uri: "fixture://greeting" }]],
    ["mail me@db:sqlite://schema", []],
    ["@other:sqlite://schema", []], // not a server with resources
    ["@db:schema", []], // not a URI
    ["@db:sqlite://schema and @db:sqlite://schema", [{ server: "db", uri: "sqlite://schema" }]],
    [
      "@db:sqlite://schema\n@v1:fixture://greeting",
      [
        { server: "db", uri: "sqlite://schema" },
        { server: "v1", uri: "fixture://greeting" },
      ],
    ],
  ])("%j", (text, expected) => {
    expect(findMentions(text, ["db", "v1"])).toEqual(expected);
  });
});

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe("@server:uri in a task", () => {
  it("puts the resource in the first user message and says what was attached", async () => {
    api = await startFakeApi([done("Seen.")]);
    const ws = v1Workspace(["db"]);
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const r = await runAgent(
      { config: ws.config, workspace: ws.dir },
      ["Explain @db:sqlite://schema and @v1:fixture://greeting, and @db:sqlite://nothing-here"],
      env,
    );
    expect(r.code).toBe(0);
    const first = api.requests[0]?.body.messages[0]?.content as { type: string; text: string }[];
    expect(first[0]?.text).toContain("Explain @db:sqlite://schema");
    expect(first[1]?.text).toMatch(/^<resource server="db" uri="sqlite:\/\/schema">\n[\s\S]*\n<\/resource>$/);
    expect(first[2]?.text).toBe(
      '<resource server="v1" uri="fixture://greeting">\nHello from the fixture.\n</resource>',
    );
    expect(first[3]?.text).toMatch(/^<resource server="db" uri="sqlite:\/\/nothing-here" error="could not be read">/);
    expect(r.stderr).toMatch(/attached db:sqlite:\/\/schema \(\d+ bytes\)/);
    expect(r.stderr).toContain("attached v1:fixture://greeting (23 bytes)");
    expect(r.stderr).toContain("could not attach db:sqlite://nothing-here");
  });
});

describe("@server:uri at the REPL", () => {
  it("attaches the resource to that typed line's turn", async () => {
    api = await startFakeApi([done("Hi."), done("Bye.")]);
    const ws = v1Workspace();
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const r = await runAgent({ config: ws.config, workspace: ws.dir }, [], env, {
      stdin: "hello\nwhat does @v1:fixture://greeting say?\n\n",
    });
    expect(r.code).toBe(0);
    const turn = api.requests[1]?.body.messages[2]?.content as { text: string }[];
    expect(turn.map((b) => b.text)).toEqual([
      "what does @v1:fixture://greeting say?",
      '<resource server="v1" uri="fixture://greeting">\nHello from the fixture.\n</resource>',
    ]);
    expect(r.stderr).toContain("attached v1:fixture://greeting (23 bytes)");
  });
});
