import { serveHttp, serverFactory, toolSet } from "@mcp-toolkit/core";
import { afterEach, describe, expect, it } from "vitest";
import type { ServerSpec } from "../src/config.js";
import { statusText } from "../src/server-status.js";
import { ServerPool, ToolCallError } from "../src/servers.js";
import { addTool } from "./fixtures/add-tool.js";
import { calls, done, startFakeApi, toolResults, use } from "./fixtures/fake-api.js";
import { FIXTURE, fixtureWorkspace, runAgent } from "./fixtures/harness.js";

const fixture: ServerSpec = {
  kind: "stdio",
  name: "db",
  command: process.execPath,
  args: [FIXTURE],
  env: {},
  builtin: false,
};

let pool: ServerPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

/** A pool over the fixture server with a clock the test moves, and what the breaker reported. */
async function start() {
  const clock = { now: 0 };
  const events: string[] = [];
  pool = new ServerPool({
    startupTimeoutMs: 10_000,
    env: { PATH: process.env.PATH },
    breaker: {
      now: () => clock.now,
      onChange: (server, change, failures, _ms, tool) =>
        events.push(`${server}${tool ? ` tool ${tool}` : ""} ${change} after ${failures}`),
      onReject: (server, tool) => events.push(`${server}${tool ? ` tool ${tool}` : ""} refused a call`),
    },
  });
  expect(await pool.start([fixture])).toEqual([]);
  const call = (tool: string, args: Record<string, unknown> = {}, timeoutMs = 10_000) =>
    (pool as ServerPool).call("db", tool, args, { timeoutMs });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => "succeeded",
      (error: unknown) => (error instanceof ToolCallError ? error.message : String(error)),
    );
  return { clock, events, call, failure };
}

describe("ServerPool circuit breaker", () => {
  it("opens for a tool after 5 of its timeouts in a row, leaving the server's other tools up, and closes on its probe", async () => {
    const { clock, events, call, failure } = await start();
    for (let i = 0; i < 5; i++) {
      expect(await failure(call("slow", { ms: 60_000 }, 150))).toMatch(/^timed out after 150 ms/);
    }
    expect(events).toEqual(["db tool slow opened after 5"]);
    // The fast tools of the same server are still called.
    clock.now = 1_000;
    expect((await call("echo", { text: "hi" })).content).toEqual([{ type: "text", text: "hi" }]);
    // The slow tool is not asked: the call fails fast, naming the tool and saying when it is tried again.
    expect(await failure(call("slow", { ms: 1 }))).toMatch(
      /^tool "slow" of db is unavailable \(timed out 5 times in a row\); retrying it in 29 s — db's other tools still work/,
    );
    expect(events).toContain("db tool slow refused a call");
    expect(statusText(pool?.status() ?? [], 1_000)).toContain(
      `db: up, 12 tools; tool "slow" fails fast after 5 timeouts in a row, tried again in 29 s`,
    );
    // After the pause one probe goes through; its answer closes the tool's breaker.
    clock.now = 30_001;
    expect((await call("slow", { ms: 1 })).isError).toBeFalsy();
    expect(events.at(-1)).toBe("db tool slow closed after 0");
    expect((await call("slow", { ms: 1 })).isError).toBeFalsy();
  });

  it("opens a tool's breaker again for another pause when its probe times out too", async () => {
    const { clock, events, call, failure } = await start();
    for (let i = 0; i < 5; i++) await failure(call("slow", { ms: 60_000 }, 150));
    clock.now = 30_000;
    expect(await failure(call("slow", { ms: 60_000 }, 150))).toMatch(/^timed out/);
    expect(events).toEqual(["db tool slow opened after 5", "db tool slow reopened after 6"]);
    expect(await failure(call("slow", { ms: 1 }))).toMatch(/retrying it in 30 s/);
  });

  it("counts a server that died, but not isError results, refused calls or timeouts", async () => {
    const { events, call, failure } = await start();
    for (let i = 0; i < 6; i++) {
      expect((await call("fail")).isError).toBe(true);
      expect(await failure(call("no_such_tool"))).toMatch(/refused the call/);
    }
    expect(events).toEqual([]);
    // Each crash is a failure of the server; the timeouts of a tool in between are its own, not the server's.
    for (let i = 0; i < 3; i++) await failure(call("crash"));
    for (let i = 0; i < 2; i++) expect(await failure(call("slow", { ms: 60_000 }, 150))).toMatch(/^timed out/);
    expect(events).toEqual([]);
    expect(pool?.status()[0]?.breaker).toEqual({ phase: "closed", failures: 3 });
  });

  it("opens for the whole server when its calls to different tools all time out: the server hangs, not one tool", async () => {
    const { events, call, failure } = await start();
    const [first] = (await call("pid")).content;
    const pid = Number(first?.type === "text" ? first.text : NaN);
    process.kill(pid, "SIGSTOP");
    try {
      // One tool's timeouts are its own; a second tool timing out with no answer between shows the server hung.
      expect(await failure(call("echo", { text: "a" }, 150))).toMatch(/^timed out after 150 ms/);
      expect(events).toEqual([]);
      for (const tool of ["env", "pid", "echo", "big", "env"])
        await failure(call(tool, { name: "X", n: 1, text: "b" }, 150));
      expect(events).toEqual(["db opened after 5"]);
      expect(await failure(call("write_note", { text: "c" }))).toMatch(/^db is unavailable \(5 failures in a row\)/);
    } finally {
      process.kill(pid, "SIGCONT");
    }
  });

  it("opens for the whole server after 5 calls, to any of its tools, that reach no one", async () => {
    const endpoint = await serveHttp(
      serverFactory({ info: { name: "remote", version: "1.0.0" }, tools: toolSet([addTool]) }),
      { host: "127.0.0.1", port: 0, token: "t" },
    );
    const events: string[] = [];
    pool = new ServerPool({
      startupTimeoutMs: 10_000,
      env: { PATH: process.env.PATH },
      breaker: {
        now: () => 0,
        onChange: (server, change, failures, _ms, tool) =>
          events.push(`${server} ${tool ?? ""} ${change} after ${failures}`),
      },
    });
    const spec = { kind: "http" as const, name: "remote", url: endpoint.url.href, builtin: false as const };
    expect(await pool.start([{ ...spec, headers: { Authorization: "Bearer t" } }])).toEqual([]);
    await endpoint.close();
    const call = (tool: string) =>
      (pool as ServerPool).call("remote", tool, { a: 1, b: 2 }, { timeoutMs: 5000 }).then(
        () => "succeeded",
        (error: unknown) => (error instanceof ToolCallError ? error.message : String(error)),
      );
    for (const tool of ["add", "other", "add", "third", "add"])
      expect(await call(tool)).toMatch(/^no answer from server/);
    expect(events).toEqual(["remote  opened after 5"]);
    expect(await call("fourth")).toMatch(/^remote is unavailable \(5 failures in a row\); retrying in 30 s/);
  });

  it("does not open, promising a retry in 30 s, for a server given up for the run: its calls say so", async () => {
    const { events, call, failure } = await start();
    for (let i = 0; i < 4; i++) await failure(call("crash"));
    for (let i = 0; i < 3; i++) {
      expect(await failure(call("echo", { text: "hi" }))).toMatch(
        /^server "db" stopped \(exited with code 1\) and was restarted 3 times already, so it will not be restarted again: its tools are unavailable for this run$/,
      );
    }
    expect(events).toEqual([]);
  });

  it("shows a tool's opening in the transcript and the summary of an agent run; the model gets the reason, and its other tools", async () => {
    const hang = Array.from({ length: 5 }, () => use("fx__slow", { ms: 60_000 }));
    const api = await startFakeApi([
      calls(...hang),
      calls(use("fx__slow", { ms: 1 })),
      calls(use("fx__echo", { text: "hi" })),
      done("Used echo."),
    ]);
    try {
      const ws = fixtureWorkspace();
      const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
      const r = await runAgent({ config: ws.config, workspace: ws.dir, "tool-timeout": "200" }, ["go"], env);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(
        `tool "slow" of fx is unavailable (timed out 5 times in a row): its calls fail fast for 30 s, then one probe call is let through; fx's other tools are still called`,
      );
      expect(toolResults(api.requests[2])[0]?.content[0]?.text).toMatch(
        /^tool "slow" of fx is unavailable \(timed out 5 times in a row\); retrying it in (30|29) s/,
      );
      expect(toolResults(api.requests[3])[0]?.content[0]?.text).toBe("hi");
      expect(r.stderr).toContain("fx tool slow: unavailable 1× (circuit breaker), 1 call failed fast");
    } finally {
      await api.close();
    }
  });
});
