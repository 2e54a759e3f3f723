import { afterEach, describe, expect, it } from "vitest";
import type { ServerSpec } from "../src/config.js";
import { ServerPool, ToolCallError } from "../src/servers.js";
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
      onChange: (server, change, failures) => events.push(`${server} ${change} after ${failures}`),
      onReject: (server) => events.push(`${server} refused a call`),
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
  it("opens after 5 timeouts in a row against a hanging server, fails fast, and closes when the probe succeeds", async () => {
    const { clock, events, call, failure } = await start();
    for (let i = 0; i < 5; i++) {
      expect(await failure(call("slow", { ms: 60_000 }, 150))).toMatch(/^timed out after 150 ms/);
    }
    expect(events).toEqual(["db opened after 5"]);
    // The server is fine now, but the breaker does not ask it: the call fails fast, saying when it retries.
    clock.now = 1_000;
    expect(await failure(call("echo", { text: "hi" }))).toMatch(
      /^db is unavailable \(5 failures in a row\); retrying in 29 s/,
    );
    expect(events).toContain("db refused a call");
    // After the pause one probe goes through; its answer closes the breaker.
    clock.now = 30_001;
    expect((await call("echo", { text: "probe" })).content).toEqual([{ type: "text", text: "probe" }]);
    expect(events.at(-1)).toBe("db closed after 0");
    expect((await call("echo", { text: "again" })).content).toEqual([{ type: "text", text: "again" }]);
  });

  it("opens again for another pause when the probe fails too", async () => {
    const { clock, events, call, failure } = await start();
    for (let i = 0; i < 5; i++) await failure(call("slow", { ms: 60_000 }, 150));
    clock.now = 30_000;
    expect(await failure(call("slow", { ms: 60_000 }, 150))).toMatch(/^timed out/);
    expect(events).toEqual(["db opened after 5", "db reopened after 6"]);
    expect(await failure(call("echo", { text: "hi" }))).toMatch(/retrying in 30 s/);
  });

  it("counts a server that died, but not isError results or refused calls", async () => {
    const { events, call, failure } = await start();
    for (let i = 0; i < 6; i++) {
      expect((await call("fail")).isError).toBe(true);
      expect(await failure(call("no_such_tool"))).toMatch(/refused the call/);
    }
    expect(events).toEqual([]);
    // Each crash is a failure, as a timeout is: three of one and two of the other open it.
    for (let i = 0; i < 3; i++) await failure(call("crash"));
    expect(events).toEqual([]);
    for (let i = 0; i < 2; i++) expect(await failure(call("slow", { ms: 60_000 }, 150))).toMatch(/^timed out/);
    expect(events).toEqual(["db opened after 5"]);
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

  it("shows the opening in the transcript and the summary of an agent run, and the model gets the reason", async () => {
    const hang = Array.from({ length: 5 }, () => use("fx__slow", { ms: 60_000 }));
    const api = await startFakeApi([calls(...hang), calls(use("fx__echo", { text: "hi" })), done("Gave up.")]);
    try {
      const ws = fixtureWorkspace();
      const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
      const r = await runAgent({ config: ws.config, workspace: ws.dir, "tool-timeout": "200" }, ["go"], env);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(
        "fx is unavailable (5 failures in a row): its calls fail fast for 30 s, then one probe call is let through",
      );
      expect(toolResults(api.requests[2])[0]?.content[0]?.text).toMatch(
        /^fx is unavailable \(5 failures in a row\); retrying in (30|29) s/,
      );
      expect(r.stderr).toContain("fx: unavailable 1× (circuit breaker), 1 call failed fast");
    } finally {
      await api.close();
    }
  });
});
