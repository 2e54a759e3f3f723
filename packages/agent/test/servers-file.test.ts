// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the mcp.json syntax under test

import { UsageError } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import { parseServersFile } from "../src/servers-file.js";

const env = { HOME: "/home/u", TOKEN: "t0k", EMPTY: "" };
const parse = (mcpServers: unknown) => parseServersFile(JSON.stringify({ mcpServers }), "mcp.json", env, "/cfg");

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
    [{ a: { url: "wss://x", type: "sse" } }, /a wss:\/\/ url is a WebSocket server/],
    [{ a: { command: "${NOPE}" } }, /\$\{NOPE\} is not set/],
  ])("rejects %j in one line", (servers, message) => {
    expect(() => parse(servers)).toThrow(UsageError);
    expect(() => parse(servers)).toThrow(message);
  });

  it("rejects a file that is not JSON or has no mcpServers", () => {
    expect(() => parseServersFile("{", "m.json", env, "/")).toThrow(/m\.json: not valid JSON/);
    expect(() => parseServersFile("{}", "m.json", env, "/")).toThrow(/expected \{"mcpServers"/);
  });
});
