import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resourceResult } from "../src/resource-tools.js";
import { calls, done, type FakeApi, startFakeApi, toolResults, use } from "./fixtures/fake-api.js";
import { runAgent, V1_FIXTURE, v1Workspace } from "./fixtures/harness.js";
import { waitUntil } from "./fixtures/procs.js";

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe("mcp__list_resources and mcp__read_resource", () => {
  it("are offered when a server has resources, list and read them, and name what exists on a bad call", async () => {
    api = await startFakeApi([
      calls(use("mcp__list_resources", {})),
      calls(
        use("mcp__read_resource", { server: "v1", uri: "fixture://greeting" }),
        use("mcp__read_resource", { server: "nope", uri: "x://y" }),
        use("mcp__read_resource", { server: "v1" }),
      ),
      calls(
        use("mcp__list_resources", { server: "v1" }),
        use("mcp__read_resource", { server: "v1", uri: "fixture://note/todo" }),
      ),
      done("Read."),
    ]);
    const ws = v1Workspace(["db"]);
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const r = await runAgent({ config: ws.config, workspace: ws.dir }, ["read things"], env);
    expect(r.code).toBe(0);
    const names = api.requests[0]?.body.tools?.map((t) => t.name) ?? [];
    expect(names).toEqual(expect.arrayContaining(["mcp__list_resources", "mcp__read_resource", "v1__slow"]));
    expect(names.every((n) => /^[a-zA-Z0-9_-]{1,64}$/.test(n))).toBe(true);
    const listed = toolResults(api.requests[1])[0]?.content[0]?.text ?? "";
    expect(listed).toContain("v1 fixture://greeting — greeting (text/plain): A friendly greeting.");
    expect(listed).toContain("db sqlite://stats");
    const [read, unknown, missing] = toolResults(api.requests[2]);
    expect(read?.content[0]?.text).toBe("Hello from the fixture.");
    expect(unknown).toMatchObject({ is_error: true });
    expect(unknown?.content[0]?.text).toMatch(/server "nope" is not running; running servers: .*db.*v1/);
    expect(missing?.content[0]?.text).toContain('mcp__read_resource takes {"server": "db", "uri": "sqlite://schema"}');
    // Templates are listed too, with how to read one: a URI with its {variables} filled in.
    expect(listed).toContain("db sqlite://table/{name} (template) — table (application/json): A table or view");
    const [oneServer, note] = toolResults(api.requests[3]);
    expect(oneServer?.content[0]?.text).toBe(
      [
        "v1 fixture://greeting — greeting (text/plain): A friendly greeting.",
        "v1 fixture://note/{name} (template) — note (text/plain): A note by name.",
        "Read a (template) by filling in its {variables} and passing that URI to mcp__read_resource.",
      ].join("\n"),
    );
    expect(note?.content[0]?.text).toBe("Note todo.");
    const readTool = api.requests[0]?.body.tools?.find((t) => t.name === "mcp__read_resource");
    expect(JSON.stringify(readTool)).toContain("or a listed template's with its {variables} filled in");
  });

  it("cut what they return to the output budget, as tool results are", async () => {
    api = await startFakeApi([calls(use("mcp__read_resource", { server: "v1", uri: "fixture://greeting" })), done("")]);
    const ws = v1Workspace();
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const r = await runAgent({ config: ws.config, workspace: ws.dir, "output-budget": "5" }, ["read"], env);
    expect(r.code).toBe(0);
    // "Hello from the fixture." is 23 bytes, over a 5-token (20-byte) budget.
    expect(toolResults(api.requests[1])[0]?.content[0]?.text).toMatch(
      /^Hello from the fixtu\n\n\[output cut: .*--output-budget/,
    );
  });

  it("follow the audience a resource is listed with: one for the user only is shown, not sent to the model", async () => {
    api = await startFakeApi([
      calls(
        use("mcp__read_resource", { server: "aud", uri: "fixture://for-user" }),
        use("mcp__read_resource", { server: "aud", uri: "fixture://private/diary" }),
        use("mcp__read_resource", { server: "aud", uri: "fixture://for-model" }),
      ),
      done("Read."),
    ]);
    const ws = v1Workspace([], {
      aud: { command: process.execPath, args: [V1_FIXTURE], env: { FIXTURE_AUDIENCES: "1" } },
    });
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const r = await runAgent({ config: ws.config, workspace: ws.dir }, ["read them"], env);
    expect(r.code).toBe(0);
    const [forUser, fromTemplate, forModel] = toolResults(api.requests[1]);
    const hidden = "[1 part of this result shown to the user only (the server marked it for the user), not to you]";
    expect(forUser?.content[0]?.text).toBe(hidden);
    // Listed through a template for the user only.
    expect(fromTemplate?.content[0]?.text).toBe(hidden);
    expect(forModel?.content[0]?.text).toBe("Model context.");
    const sent = JSON.stringify(api.requests[1]?.body);
    expect(sent).not.toContain("Listed for your eyes.");
    expect(sent).not.toContain("Private diary.");
    expect(r.stderr + r.stdout).toContain("Listed for your eyes.");
    expect(r.stderr + r.stdout).toContain("Private diary.");
  });
});

describe("a tool list that changes mid-run", () => {
  it("is re-read before the next model request, which carries the new tool; the transcript says so", async () => {
    api = await startFakeApi([calls(use("v1__add_tool", { name: "late" })), calls(use("v1__late", {})), done("Ok.")]);
    const ws = v1Workspace();
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const r = await runAgent({ config: ws.config, workspace: ws.dir }, ["add a tool"], env);
    expect(r.code).toBe(0);
    expect(api.requests[0]?.body.tools?.map((t) => t.name)).not.toContain("v1__late");
    expect(api.requests[1]?.body.tools?.map((t) => t.name)).toContain("v1__late");
    expect(toolResults(api.requests[2])[0]?.content[0]?.text).toBe("late: ok");
    expect(r.stderr).toContain("v1: tools changed (+1, \u22120)");
  });

  it("in the 2026-07-28 era too, heard on the change stream the agent opens before the first tool runs", async () => {
    api = await startFakeApi([calls(use("v2__add_tool", { name: "late" })), calls(use("v2__late", {})), done("Ok.")]);
    const v2 = { command: process.execPath, args: [join(V1_FIXTURE, "..", "v2-server.mjs")] };
    const ws = v1Workspace([], { v2 });
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const r = await runAgent({ config: ws.config, workspace: ws.dir, verbose: true }, ["add a tool"], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\[v2\] 1 tools, .*protocol 2026-07-28 \(modern era\)/);
    expect(api.requests[1]?.body.tools?.map((t) => t.name)).toContain("v2__late");
    expect(toolResults(api.requests[2])[0]?.content[0]?.text).toBe("late: ok");
    expect(r.stderr).toContain("v2: tools changed (+1, \u22120)");
  });
});

describe("resourceResult", () => {
  it("says a resource with empty text is empty, alone or among others", () => {
    expect(resourceResult({ contents: [{ uri: "file:///w/empty.txt", text: "" }] }).content).toEqual([
      { type: "text", text: "(empty resource)" },
    ]);
    const two = resourceResult({
      contents: [
        { uri: "file:///w/a.txt", text: "a" },
        { uri: "file:///w/empty.txt", text: "" },
      ],
    });
    expect(two.content).toEqual([
      { type: "text", text: "[file:///w/a.txt]\na" },
      { type: "text", text: "[file:///w/empty.txt]\n(empty resource)" },
    ]);
  });

  it("shows a blob of a text type as its text, and other blobs as a note", () => {
    const read = resourceResult({
      contents: [
        { uri: "demo://blob/1", mimeType: "text/plain", blob: Buffer.from("Resource 1: text").toString("base64") },
        { uri: "demo://zip", mimeType: "application/zip", blob: Buffer.from("PK\u0003").toString("base64") },
      ],
    });
    expect(read.content).toEqual([
      { type: "text", text: "[demo://blob/1]\nResource 1: text" },
      { type: "text", text: "[demo://zip: application/zip, 3 bytes of binary content, not shown]" },
    ]);
  });

  it("counts a binary blob's bytes without its base64 padding", () => {
    const note = (bytes: number) =>
      resourceResult({
        contents: [
          { uri: "demo://b", mimeType: "application/octet-stream", blob: Buffer.alloc(bytes).toString("base64") },
        ],
      }).content;
    for (const bytes of [1, 2, 3, 4])
      expect(note(bytes)).toEqual([
        { type: "text", text: `[demo://b: application/octet-stream, ${bytes} bytes of binary content, not shown]` },
      ]);
  });
});

describe("listing the resources of a server that has too many, or cannot list them", () => {
  const MANY = join(import.meta.dirname, "fixtures", "many-resources-server.mjs");
  const servers = {
    big: { command: process.execPath, args: [MANY], env: { RESOURCES: "1005" } },
    broken: { command: process.execPath, args: [MANY], env: { BROKEN: "1" } },
  };

  it("lists the other servers' resources, the first 100 pages of the big one, and says what is missing", async () => {
    api = await startFakeApi([
      calls(use("mcp__list_resources", {}), use("mcp__list_resources", { server: "big" })),
      done(""),
    ]);
    const ws = v1Workspace([], servers);
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const r = await runAgent({ config: ws.config, workspace: ws.dir }, ["list"], env);
    expect(r.code).toBe(0);
    const [all, big] = toolResults(api.requests[1]);
    expect(all?.is_error).toBeUndefined();
    expect(all?.content[0]?.text).toContain("v1 fixture://greeting — greeting");
    expect(all?.content[0]?.text).toContain("big many://r/999 — r999");
    expect(all?.content[0]?.text).not.toContain("many://r/1000");
    expect(all?.content[0]?.text).toContain(
      'server "big": its resource list went on past 100 pages; the first 1000 resources are listed',
    );
    expect(all?.content[0]?.text).toMatch(/server "broken" could not list its resources: .*Method not found/);
    expect(big?.content[0]?.text).toContain("big many://r/999 — r999");
  });

  it("--list-tools shows the other servers' resources and names the two in a notice", async () => {
    const ws = v1Workspace([], servers);
    const r = await runAgent(
      { config: ws.config, workspace: ws.dir },
      [],
      { PATH: process.env.PATH },
      { listTools: true },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("v1: 1 resource");
    expect(r.stdout).toContain("big: 1000 resources");
    expect(r.stderr).toContain('server "big": its resource list went on past 100 pages');
    expect(r.stderr).toMatch(/server "broken" could not list its resources/);
  });
});

describe("Ctrl-C while a server's resource list is slow", () => {
  const MANY = join(import.meta.dirname, "fixtures", "many-resources-server.mjs");

  // mcp__read_resource and an @server:uri attachment list the server's resources for their audience, and
  // mcp__list_resources lists them: each list is cancelled with the turn, not waited for (up to --tool-timeout).
  it.each([
    ["mcp__read_resource", [calls(use("mcp__read_resource", { server: "stuck", uri: "many://r/0" }))], "read"],
    ["mcp__list_resources", [calls(use("mcp__list_resources", { server: "stuck" }))], "list"],
    ["an attachment", [], "read @stuck:many://r/0"],
  ])("%s: the listing is cancelled and the run stops", async (_, script, task) => {
    const marks = mkdtempSync(join(tmpdir(), "agent-list-hangs-"));
    api = await startFakeApi(script);
    const ws = v1Workspace([], { stuck: { command: process.execPath, args: [MANY], env: { LIST_HANGS: marks } } });
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const controller = new AbortController();
    const running = runAgent({ config: ws.config, workspace: ws.dir }, [task], env, { signal: controller.signal });
    running.catch(() => {});
    expect(await waitUntil(() => existsSync(join(marks, "list-started")), 10_000)).toBe(true);
    controller.abort(); // what the first Ctrl-C does
    expect(await waitUntil(() => existsSync(join(marks, "list-cancelled")))).toBe(true);
    await running.then(
      (r) => expect(r.code).toBe(130),
      (error: unknown) => expect(String(error)).toMatch(/abort|interrupt/i),
    );
  });
});
