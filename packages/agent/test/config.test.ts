import { delimiter, isAbsolute, join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_MODEL, hiddenFromFileTools, resolveConfig } from "../src/config.js";

describe("resolveConfig", () => {
  it("defaults to the three built-in servers on ./workspace, read from the built bins", () => {
    const config = resolveConfig({}, ["make", "a", "table"], {}, "/tmp/proj");
    expect(config.task).toBe("make a table");
    expect(config.workspace).toBe("/tmp/proj/workspace");
    expect(config.servers.map((s) => s.name)).toEqual(["file", "db", "api"]);
    const [file, db] = config.servers;
    expect(file).toMatchObject({
      kind: "stdio",
      command: process.execPath,
      env: { MCP_WORKSPACE: "/tmp/proj/workspace" },
    });
    expect(db).toMatchObject({
      env: { MCP_SQLITE_DB: join("/tmp/proj/workspace", "data.db"), MCP_TRANSPORT: "stdio" },
    });
    for (const s of config.servers) if (s.kind === "stdio") expect(isAbsolute(s.args[0] as string)).toBe(true);
    expect(config).toMatchObject({
      model: DEFAULT_MODEL,
      maxTurns: 25,
      outputBudgetTokens: 25_000,
      auditFile: "/tmp/proj/workspace/.agent/audit.jsonl",
    });
  });

  it("honours flags and environment", () => {
    const config = resolveConfig(
      { workspace: "ws", "read-only": true, "max-turns": "5", thinking: "2000" },
      [],
      {
        ANTHROPIC_MODEL: "claude-opus-4-7",
        MAX_MCP_OUTPUT_TOKENS: "1000",
        MCP_TOOL_TIMEOUT: "5000",
        ANTHROPIC_BASE_URL: "http://127.0.0.1:9",
      },
      "/p",
    );
    expect(config.task).toBeUndefined();
    expect(config).toMatchObject({
      workspace: "/p/ws",
      model: "claude-opus-4-7",
      maxTurns: 5,
      thinking: 2000,
      outputBudgetTokens: 1000,
      toolTimeoutMs: 5000,
      baseURL: "http://127.0.0.1:9",
    });
    expect(config.maxTokens).toBeGreaterThan(2000);
    for (const s of config.servers) if (s.kind === "stdio") expect(s.env.MCP_READ_ONLY).toBe("1");
  });

  it.each([
    [{ "max-turns": "0" }, '--max-turns must be a whole number ≥ 1, got "0"'],
    [{ "max-turns": "0x10" }, '--max-turns must be a whole number ≥ 1, got "0x10"'],
    [{ "max-tokens": "1e3" }, '--max-tokens must be a whole number ≥ 1, got "1e3"'],
    [{ "max-retries": "-1" }, '--max-retries must be a whole number ≥ 0, got "-1"'],
    [{ "tool-timeout": "soon" }, '--tool-timeout (MCP_TOOL_TIMEOUT) must be a whole number ≥ 1, got "soon"'],
    [{ thinking: "10" }, '--thinking must be a whole number ≥ 1024, got "10"'],
    [{ "tool-search": "maybe" }, /--tool-search must be auto, on or off/],
    [{ config: "/nonexistent/mcp.json" }, /cannot read/],
  ])("rejects %j", (flags, message) => {
    expect(() => resolveConfig(flags, [], {}, "/p")).toThrow(message);
  });

  it.each(["not a url", "localhost:8080", "ftp://gw.example.com"])(
    "rejects ANTHROPIC_BASE_URL=%j in one line",
    (url) => {
      expect(() => resolveConfig({}, [], { ANTHROPIC_BASE_URL: url }, "/p")).toThrow(
        /ANTHROPIC_BASE_URL=.* is not an http\(s\) URL; set it like https:\/\/api\.anthropic\.com/,
      );
    },
  );
});

describe("hiddenFromFileTools", () => {
  it.each([
    ["the default audit file", "/ws/.agent/audit.jsonl", [".agent"]],
    ["an audit file elsewhere under .agent", "/ws/.agent/runs/today.jsonl", [".agent"]],
    ["an audit file elsewhere in the workspace", "/ws/logs/audit.jsonl", [".agent", "logs/audit.jsonl"]],
    ["an audit file outside the workspace", "/var/log/agent.jsonl", [".agent"]],
    ["an audit file in a sibling with the workspace's name as prefix", "/ws-other/audit.jsonl", [".agent"]],
  ])("%s", (_case, auditFile, expected) => {
    expect(hiddenFromFileTools("/ws", auditFile)).toEqual(expected);
  });

  it("reaches the built-in file server as MCP_FS_HIDE", () => {
    const byDefault = resolveConfig({}, [], {}, "/p").servers[0];
    expect(byDefault).toMatchObject({ name: "file", env: { MCP_FS_HIDE: ".agent" } });
    const moved = resolveConfig({ audit: "workspace/audit.jsonl" }, [], {}, "/p").servers[0];
    expect(moved).toMatchObject({ name: "file", env: { MCP_FS_HIDE: [".agent", "audit.jsonl"].join(delimiter) } });
  });
});
