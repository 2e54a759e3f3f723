// run's permissions for a server reached by URL: its tools send their arguments to that host, whatever their
// annotations say (this one's `add` claims read-only and no open world), so --read-only withholds them and --ask
// asks before each call, naming the host.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type HttpEndpoint, serveHttp, serverFactory, toolSet } from "@mcp-toolkit/core";
import { afterEach, describe, expect, it } from "vitest";
import { Interrupted } from "../src/errors.js";
import type { ServerPool } from "../src/servers.js";
import { addTool } from "./fixtures/add-tool.js";
import { calls, done, type FakeApi, startFakeApi, toolResults, use } from "./fixtures/fake-api.js";
import { fixtureWorkspace, runAgent } from "./fixtures/harness.js";
import { isAlive, waitUntil } from "./fixtures/procs.js";

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/**
 * A remote server "team" with one tool and one resource (team://stats), an mcp.json naming it (built-ins disabled,
 * but for the local db server when `db`), and a scripted API.
 */
async function remoteWorld(script: Parameters<typeof startFakeApi>[0], db = false) {
  const remote: HttpEndpoint = await serveHttp(
    serverFactory({ info: { name: "team", version: "1.0.0" }, tools: toolSet([addTool]) }),
    { host: "127.0.0.1", port: 0, token: "team-token" },
  );
  stops.push(() => remote.close());
  const api: FakeApi = await startFakeApi(script);
  stops.push(() => api.close());
  const config = join(mkdtempSync(join(tmpdir(), "agent-config-")), "mcp.json");
  const mcpServers = {
    team: { url: remote.url.href, headers: { Authorization: "Bearer team-token" } },
    file: { disabled: true },
    ...(db ? {} : { db: { disabled: true } }),
    api: { disabled: true },
  };
  writeFileSync(config, JSON.stringify({ mcpServers }));
  const workspace = mkdtempSync(join(tmpdir(), "agent-test-"));
  // An empty file is an empty SQLite database, which db opens under --read-only too.
  if (db) writeFileSync(join(workspace, "data.db"), "");
  const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
  return { api, host: remote.url.host, flags: { config, workspace }, env };
}

describe("a remote server's tools under --read-only and --ask", () => {
  it("--read-only does not offer them, nor its resources, and says once which server's were withheld and why", async () => {
    const { api, host, flags, env } = await remoteWorld([calls(use("team__add", { a: 1, b: 2 })), done("done")]);
    const r = await runAgent({ ...flags, "read-only": true }, ["add"], env);
    expect(r.code).toBe(0);
    expect(api.requests[0]?.body.tools?.map((t) => t.name) ?? []).toEqual([]);
    const notices = r.stderr.split("\n").filter((line) => line.includes("not offered"));
    expect(notices).toEqual([
      `mcp-agent: --read-only: team's tools and resources not offered: team is a remote server (${host}), so every call sends its arguments off this machine`,
    ]);
    expect(toolResults(api.requests[1])[0]?.is_error).toBe(true);
  });

  it("--ask asks before each call, naming the server's host; n sends nothing", async () => {
    const { api, host, flags, env } = await remoteWorld([calls(use("team__add", { a: 1, b: 2 })), done("done")]);
    const r = await runAgent({ ...flags, ask: true }, ["add"], env, { tty: true, stdin: "n\n" });
    expect(r.code).toBe(0);
    const question = (args: string) => `allow team__add → ${host} (a server on this machine, reached by URL) ${args}`;
    expect(r.stderr).toContain(question('{"a":1,"b":2}'));
    expect(toolResults(api.requests[1])[0]?.content[0]?.text).toMatch(/the user declined to run team__add/);
  });

  it("--read-only reads a local server's resources, but no URI of the model's choosing goes to the remote one", async () => {
    const { api, flags, env } = await remoteWorld(
      [
        calls(use("mcp__list_resources", {})),
        calls(use("mcp__read_resource", { server: "team", uri: "x://?d=secret" })),
        calls(use("mcp__list_resources", { server: "team" })),
        done("done"),
      ],
      true,
    );
    const r = await runAgent({ ...flags, "read-only": true }, ["read"], env);
    expect(r.code).toBe(0);
    const read = api.requests[0]?.body.tools?.find((t) => t.name === "mcp__read_resource");
    expect(JSON.stringify(read)).toContain("The server that lists it: db");
    expect(JSON.stringify(read)).not.toContain("team");
    const listed = toolResults(api.requests[1])[0]?.content[0]?.text ?? "";
    expect(listed).toContain("db sqlite://stats");
    expect(listed).not.toContain("team");
    for (const request of [api.requests[2], api.requests[3]]) {
      const [result] = toolResults(request);
      expect(result?.is_error).toBe(true);
      expect(result?.content[0]?.text).toMatch(
        /server "team"'s resources are not offered in this run \(--read-only: it is a remote server, and what is read there is sent there\); servers with resources offered: db$/,
      );
    }
  });

  it("--ask asks before a resource read or list reaches it, naming its host; n sends nothing, y lists", async () => {
    const declining = await remoteWorld([
      calls(use("mcp__read_resource", { server: "team", uri: "x://?d=secret" })),
      done("done"),
    ]);
    const no = await runAgent({ ...declining.flags, ask: true }, ["read"], declining.env, { tty: true, stdin: "n\n" });
    expect(no.code).toBe(0);
    const remote = `→ ${declining.host} (a server on this machine, reached by URL)`;
    expect(no.stderr).toContain(`allow mcp__read_resource ${remote} {"server":"team","uri":"x://?d=secret"}`);
    const [declined] = toolResults(declining.api.requests[1]);
    expect(declined?.is_error).toBe(true);
    expect(declined?.content[0]?.text).toMatch(/the user declined to run mcp__read_resource on team/);

    const allowing = await remoteWorld([calls(use("mcp__list_resources", {})), done("done")]);
    const yes = await runAgent({ ...allowing.flags, ask: true }, ["list"], allowing.env, { tty: true, stdin: "y\n" });
    expect(yes.code).toBe(0);
    expect(yes.stderr).toContain(
      `allow mcp__list_resources → ${allowing.host} (a server on this machine, reached by URL) {}`,
    );
    expect(toolResults(allowing.api.requests[1])[0]?.content[0]?.text).toContain("team team://stats");
  });
});

describe("Ctrl-C while a server is still starting", () => {
  it("stops the run at once (Interrupted) rather than waiting out --startup-timeout, and stops the server", async () => {
    const ws = fixtureWorkspace({ FIXTURE_SILENT: "1" });
    const controller = new AbortController();
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: "http://127.0.0.1:1" };
    let pool: ServerPool | undefined;
    const running = runAgent({ config: ws.config, workspace: ws.dir, "startup-timeout": "600000" }, ["go"], env, {
      signal: controller.signal,
      onPool: (p) => {
        pool = p;
      },
    });
    running.catch(() => {});
    expect(await waitUntil(() => pool?.pids().fx !== undefined)).toBe(true);
    const pid = pool?.pids().fx as number;
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(Interrupted);
    expect(await waitUntil(() => !isAlive(pid))).toBe(true);
  });
});

describe("a server slow to start", () => {
  it("is named after 3 s of waiting, so the terminal is not silent until --startup-timeout", async () => {
    const api = await startFakeApi([done("ok")]);
    stops.push(() => api.close());
    const ws = fixtureWorkspace({ FIXTURE_SILENT: "1" });
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const r = await runAgent({ config: ws.config, workspace: ws.dir, "startup-timeout": "4000" }, ["go"], env);
    const waiting = r.stderr.indexOf(
      'waiting for server "fx" to start (3 s so far; one not up at 4 s, --startup-timeout, is left out)',
    );
    expect(waiting).toBeGreaterThanOrEqual(0);
    expect(r.stderr.indexOf('server "fx" failed to start')).toBeGreaterThan(waiting);
  }, 20_000);
});

describe("an mcp.json entry whose variable is unset", () => {
  it("is reported as not started and the task runs with the other servers; --strict stops the run", async () => {
    const api = await startFakeApi([calls(use("fx__echo", { text: "still here" })), done("ok")]);
    stops.push(() => api.close());
    const ws = fixtureWorkspace();
    const config = JSON.parse(readFileSync(ws.config, "utf8")) as { mcpServers: Record<string, unknown> };
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the mcp.json syntax under test
    config.mcpServers.notes = { command: process.execPath, args: ["${NOTES_DIR}/server.js"] };
    writeFileSync(ws.config, JSON.stringify(config));
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const r = await runAgent({ config: ws.config, workspace: ws.dir }, ["go"], env);
    expect(r.stderr).toContain(
      `server "notes" was not started: ${ws.config}: mcpServers.notes.args[0]: \${NOTES_DIR} is not set; export NOTES_DIR=… or write \${NOTES_DIR:-default}`,
    );
    expect(r.code).toBe(0);
    expect(toolResults(api.requests[1])[0]?.content[0]?.text).toBe("still here");
    await expect(runAgent({ config: ws.config, workspace: ws.dir, strict: true }, ["go"], env)).rejects.toThrow(
      '--strict: server "notes" did not start',
    );
  }, 20_000);
});
