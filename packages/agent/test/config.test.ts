import { isAbsolute, join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_MODEL, hiddenFromFileTools, resolveConfig, type StdioServerSpec } from "../src/config.js";

describe("resolveConfig", () => {
  it("defaults to the three built-in servers on ./workspace, read from the built bins", () => {
    const config = resolveConfig({}, ["make", "a", "table"], {}, "/tmp/proj");
    expect(config.task).toBe("make a table");
    expect(config.workspace).toBe("/tmp/proj/workspace");
    expect(config.servers.map((s) => s.name)).toEqual(["file", "db", "api"]);
    const [file, db] = config.servers as StdioServerSpec[];
    expect(file).toMatchObject({ kind: "stdio", command: process.execPath, env: { MCP_TRANSPORT: "stdio" } });
    expect(file?.args.slice(1)).toEqual(["--root=/tmp/proj/workspace", "--hide=.agent"]);
    expect(db?.args.slice(1)).toEqual([`--db=${join("/tmp/proj/workspace", "data.db")}`]);
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

  it.each([
    ["by default", {}, ["--root=/p/workspace", "--hide=.agent"]],
    [
      "an audit file in the workspace",
      { audit: "workspace/audit.jsonl" },
      ["--root=/p/workspace", "--hide=.agent", "--hide=audit.jsonl"],
    ],
    // Each path is one argument: the delimiter and a leading '-' are just characters of it.
    [
      "paths with ':' and a leading '-'",
      { workspace: "w:x", audit: "w:x/-a:b.jsonl" },
      ["--root=/p/w:x", "--hide=.agent", "--hide=-a:b.jsonl"],
    ],
  ])("reaches the built-in file server as flags, one per path: %s", (_case, flags, args) => {
    const file = resolveConfig(flags, [], {}, "/p").servers[0] as StdioServerSpec;
    expect(file.name).toBe("file");
    expect(file.args.slice(1)).toEqual(args);
    expect(Object.keys(file.env)).toEqual(["MCP_TRANSPORT"]);
  });
});
