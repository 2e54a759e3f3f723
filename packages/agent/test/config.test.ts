// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the mcp.json syntax under test
import { isAbsolute, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_MODEL, parseServersFile, resolveConfig } from "../src/config.js";
import { expandVars } from "../src/expand.js";

const env = { HOME: "/home/u", TOKEN: "t0k", EMPTY: "" };
const parse = (mcpServers: unknown) => parseServersFile(JSON.stringify({ mcpServers }), "mcp.json", env, "/cfg");

describe("expandVars", () => {
  it.each([
    ["${HOME}/x", "/home/u/x"],
    ["a${TOKEN}b${TOKEN}", "at0kbt0k"],
    ["${MISSING:-fallback}", "fallback"],
    ["${EMPTY:-d}", "d"],
    ["$HOME stays", "$HOME stays"],
    ["no vars", "no vars"],
  ])("%j → %j", (input, expected) => {
    expect(expandVars(input, env, "x")).toBe(expected);
  });

  it("names a missing variable", () => {
    expect(() => expandVars("${NOPE}", env, "mcpServers.a.args[0]")).toThrow(
      /mcpServers\.a\.args\[0\]: \$\{NOPE\} is not set/,
    );
  });
});

describe("parseServersFile (Claude Desktop mcpServers format)", () => {
  it("reads stdio entries with ${VAR} expansion and URL entries with headers", () => {
    const servers = parse({
      notes: { command: "npx", args: ["-y", "notes-server", "${HOME}/notes"], env: { KEY: "${TOKEN}" } },
      remote: { url: "https://mcp.example.com/mcp", headers: { Authorization: "Bearer ${TOKEN}" } },
      db: { disabled: true },
    });
    expect(servers.get("notes")).toEqual({
      kind: "stdio",
      name: "notes",
      command: "npx",
      args: ["-y", "notes-server", "/home/u/notes"],
      env: { KEY: "t0k" },
      cwd: undefined,
      builtin: false,
    });
    expect(servers.get("remote")).toEqual({
      kind: "http",
      name: "remote",
      url: "https://mcp.example.com/mcp",
      headers: { Authorization: "Bearer t0k" },
      builtin: false,
    });
    expect(servers.get("db")).toBeNull();
  });

  it.each([
    [{ "bad name": { command: "x" } }, /server name "bad name"/],
    [{ a: { args: [] } }, /needs "command" \(stdio\) or "url"/],
    [{ a: { command: "x", args: "not-an-array" } }, /args must be an array of strings/],
    [{ a: { command: "x", env: { N: 1 } } }, /env\.N must be a string/],
    [{ a: { url: "ftp://x" } }, /must start with http/],
    [{ a: { url: "https://x", type: "sse" } }, /legacy SSE/],
    [{ a: { command: "${NOPE}" } }, /\$\{NOPE\} is not set/],
  ])("rejects %j in one line", (servers, message) => {
    expect(() => parse(servers)).toThrow(ConfigError);
    expect(() => parse(servers)).toThrow(message);
  });

  it("rejects a file that is not JSON or has no mcpServers", () => {
    expect(() => parseServersFile("{", "m.json", env, "/")).toThrow(/m\.json: not valid JSON/);
    expect(() => parseServersFile("{}", "m.json", env, "/")).toThrow(/expected \{"mcpServers"/);
  });
});

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
    [{ "max-turns": "0" }, /--max-turns must be a positive integer/],
    [{ "tool-timeout": "soon" }, /--tool-timeout must be a positive integer/],
    [{ thinking: "10" }, /--thinking must be at least 1024/],
    [{ "tool-search": "maybe" }, /--tool-search must be auto, on or off/],
    [{ config: "/nonexistent/mcp.json" }, /cannot read/],
  ])("rejects %j", (flags, message) => {
    expect(() => resolveConfig(flags, [], {}, "/p")).toThrow(message);
  });
});
