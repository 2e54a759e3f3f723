import { describe, expect, it } from "vitest";
import { CLOSED } from "../src/breaker.js";
import { newHandle } from "../src/server-handle.js";
import { type ServerStatus, serverStatus, statusText } from "../src/server-status.js";

const NOW = 100_000;
const server = (over: Partial<ServerStatus>): ServerStatus => ({
  name: "db",
  builtin: true,
  kind: "stdio",
  target: "node /opt/sqlite/dist/cli.cjs --db data.db",
  state: "up",
  tools: 5,
  restarts: 0,
  pid: 4242,
  protocolVersion: "2026-07-28",
  why: undefined,
  breaker: CLOSED,
  ...over,
});

describe("statusText", () => {
  it.each([
    ["up", {}, "up, 5 tools"],
    ["up with one tool, restarted once", { tools: 1, restarts: 1 }, "up, 1 tool (restarted 1 of 3 times)"],
    [
      "up, one call failed",
      { breaker: { phase: "closed", failures: 1 } },
      "up, 5 tools; its last call failed without an answer",
    ],
    [
      "up, two calls failed in a row",
      { breaker: { phase: "closed", failures: 2 } },
      "up, 5 tools; its last 2 calls failed without an answer",
    ],
    [
      "stopped, restarts left",
      { state: "dead", why: "killed by SIGKILL", restarts: 1 },
      "stopped (killed by SIGKILL); restarted on the next call to one of its tools (restart 2 of 3)",
    ],
    [
      "stopped, no restarts left",
      { state: "dead", why: "exit code 1", restarts: 3 },
      "stopped (exit code 1), restarted 3 times already, so it will not be restarted again: its tools are unavailable for this run",
    ],
    [
      "failed to start",
      { state: "failed", why: "[db] could not start: spawn nope ENOENT" },
      "could not start ([db] could not start: spawn nope ENOENT); its tools are not offered this run",
    ],
    [
      "failing fast",
      { breaker: { phase: "open", failures: 5, until: NOW + 12_500 } },
      "up, but its calls fail fast after 5 failures in a row; tried again in 13 s",
    ],
    ["probing", { breaker: { phase: "probing", failures: 6 } }, "up, a probe call is testing it after failures"],
    [
      "up, one tool failing fast after timeouts",
      { toolBreakers: [["slow", { phase: "open", failures: 5, until: NOW + 12_500 }]] },
      `up, 5 tools; tool "slow" fails fast after 5 timeouts in a row, tried again in 13 s`,
    ],
    ["starting", { state: "starting" }, "starting"],
    [
      "connected, its login lost",
      { loginLost: "team needs you to log in (OAuth): run pnpm agent --login team" },
      "connected, but its login cannot be used: team needs you to log in (OAuth): run pnpm agent --login team",
    ],
  ] as [string, Partial<ServerStatus>, string][])("%s", (_, over, line) => {
    expect(statusText([server(over)], NOW).split("\n")[1]).toBe(`  db: ${line}`);
  });

  it("counts the servers up, and says what each runs or reaches, its process and protocol", () => {
    const text = statusText(
      [
        server({}),
        server({ name: "docs", builtin: false, kind: "http", target: "https://example.test/mcp", pid: undefined }),
        server({ name: "gone", state: "dead", pid: undefined, protocolVersion: undefined }),
      ],
      NOW,
    );
    expect(text.split("\n")).toEqual([
      "Servers: 2 of 3 up",
      "  db: up, 5 tools",
      "    built-in, stdio: node /opt/sqlite/dist/cli.cjs --db data.db · pid 4242 · protocol 2026-07-28",
      "  docs: up, 5 tools",
      "    http: https://example.test/mcp · protocol 2026-07-28",
      "  gone: stopped; restarted on the next call to one of its tools (restart 1 of 3)",
      "    built-in, stdio: node /opt/sqlite/dist/cli.cjs --db data.db",
      "",
    ]);
  });
});

describe("serverStatus", () => {
  it.each([
    ["a secret-named flag's value", ["--api-key", "hunter2-plain"], "node cli.js --api-key [redacted] --db data.db"],
    ["a secret-named flag= value", ["--token=hunter2-plain"], "node cli.js --token=[redacted] --db data.db"],
    ["a key-looking argument", ["sk-ant-0123456789abcdefghij"], "node cli.js [redacted] --db data.db"],
  ])("redacts %s from the command /servers shows", (_, secret, target) => {
    const spec = {
      kind: "stdio" as const,
      name: "db",
      command: "node",
      args: ["cli.js", ...secret, "--db", "data.db"],
      env: {},
      builtin: false,
    };
    const status = serverStatus(newHandle(spec), CLOSED);
    expect(status.target).toBe(target);
    expect(statusText([status], NOW)).not.toContain("hunter2");
  });

  it.each([
    [
      "from its snapshot: the blob, then the server's flags",
      true,
      "node --snapshot-blob /opt/sqlite/dist/snapshot.blob -- --db=data.db",
    ],
    ["fallen back to its bin", false, "node /opt/sqlite/dist/cli.cjs --db=data.db"],
  ])("shows the command line the process really runs: %s", (_, fromSnapshot, target) => {
    const spec = {
      kind: "stdio" as const,
      name: "db",
      command: "node",
      args: ["/opt/sqlite/dist/cli.cjs", "--db=data.db"],
      env: {},
      builtin: true,
      snapshotArgs: ["--snapshot-blob", "/opt/sqlite/dist/snapshot.blob", "--"],
    };
    const handle = { ...newHandle(spec), fromSnapshot };
    expect(serverStatus(handle, CLOSED).target).toBe(target);
  });

  it("redacts a secret in an HTTP server's URL", () => {
    const spec = {
      kind: "http" as const,
      name: "docs",
      url: "https://mcp.test/mcp?token=hunter2",
      headers: {},
      builtin: false as const,
    };
    expect(serverStatus(newHandle(spec), CLOSED).target).toBe("https://mcp.test/mcp?token=[redacted]");
  });
});
