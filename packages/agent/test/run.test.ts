// run's permissions for a server reached by URL: its tools send their arguments to that host, whatever their
// annotations say (this one's `add` claims read-only and no open world), so --read-only withholds them and --ask
// asks before each call, naming the host.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type HttpEndpoint, serveHttp, serverFactory, toolSet } from "@mcp-toolkit/core";
import { afterEach, describe, expect, it } from "vitest";
import { addTool } from "./fixtures/add-tool.js";
import { calls, done, type FakeApi, startFakeApi, toolResults, use } from "./fixtures/fake-api.js";
import { runAgent } from "./fixtures/harness.js";

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** A remote server "team" with one tool, an mcp.json naming it (built-ins disabled), and a scripted API. */
async function remoteWorld(script: Parameters<typeof startFakeApi>[0]) {
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
    db: { disabled: true },
    api: { disabled: true },
  };
  writeFileSync(config, JSON.stringify({ mcpServers }));
  const workspace = mkdtempSync(join(tmpdir(), "agent-test-"));
  const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
  return { api, host: remote.url.host, flags: { config, workspace }, env };
}

describe("a remote server's tools under --read-only and --ask", () => {
  it("--read-only does not offer them, and says once which server's tools were withheld and why", async () => {
    const { api, host, flags, env } = await remoteWorld([calls(use("team__add", { a: 1, b: 2 })), done("done")]);
    const r = await runAgent({ ...flags, "read-only": true }, ["add"], env);
    expect(r.code).toBe(0);
    expect(api.requests[0]?.body.tools?.map((t) => t.name) ?? []).not.toContain("team__add");
    const notices = r.stderr.split("\n").filter((line) => line.includes("not offered"));
    expect(notices).toEqual([
      `mcp-agent: --read-only: team's tools not offered: team is a remote server (${host}), so every call sends its arguments off this machine`,
    ]);
    expect(toolResults(api.requests[1])[0]?.is_error).toBe(true);
  });

  it("--ask asks before each call, naming the server's host; n sends nothing", async () => {
    const { api, host, flags, env } = await remoteWorld([calls(use("team__add", { a: 1, b: 2 })), done("done")]);
    const r = await runAgent({ ...flags, ask: true }, ["add"], env, { tty: true, stdin: "n\n" });
    expect(r.code).toBe(0);
    const question = (args: string) => `allow team__add → ${host} (a remote server: data leaves this machine) ${args}`;
    expect(r.stderr).toContain(question('{"a":1,"b":2}'));
    expect(toolResults(api.requests[1])[0]?.content[0]?.text).toMatch(/the user declined to run team__add/);
  });
});
