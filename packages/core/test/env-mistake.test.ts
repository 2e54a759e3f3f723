import { describe, expect, it } from "vitest";
import { ENV_ONLY_SETTINGS, misspeltEnvWarnings } from "../src/env-mistake.js";

const KNOWN = ["MCP_READ_ONLY", "MCP_HTTP_ALLOW_HOSTS", "MCP_WORKSPACE", "MCP_LOG_LEVEL", ...ENV_ONLY_SETTINGS];
const warned = (name: string, meant: string) =>
  `${name} is not a setting of mcp-test, so it is ignored; did you mean ${meant}?`;

describe("misspeltEnvWarnings", () => {
  // [variable set, the warnings]
  it.each<[string, string[]]>([
    ["MCP_READONLY", [warned("MCP_READONLY", "MCP_READ_ONLY")]],
    ["MCP_HTTP_ALLOWED_HOSTS", [warned("MCP_HTTP_ALLOWED_HOSTS", "MCP_HTTP_ALLOW_HOSTS")]],
    ["MCP_WORKSPACES", [warned("MCP_WORKSPACES", "MCP_WORKSPACE")]],
    ["MCP_AUTH_TOKENS", [warned("MCP_AUTH_TOKENS", "MCP_AUTH_TOKEN")]],
    // Settings it reads, in any case (Windows reads them so), and the secrets that are never flags.
    ["MCP_READ_ONLY", []],
    ["mcp_read_only", []],
    ["MCP_OAUTH_CLIENT_SECRET", []],
    // Another program's variables, or another server's settings: not near any of this server's, so not a mistake.
    ["MCP_TIMEOUT", []],
    ["MCP_SQLITE_DB", []],
    ["MCP_TOOL_TIMEOUT", []],
    ["READ_ONLY", []],
    ["MCP_LOG_LEVEL_X_Y_Z", []],
  ])("%s → %j", (name, lines) => {
    expect(misspeltEnvWarnings("mcp-test", KNOWN, { [name]: "1", PATH: "/usr/bin" })).toEqual(lines);
  });

  it("names each mistake once, in name order, and skips a variable that is unset", () => {
    const env = { MCP_WORKSPACES: "/a", MCP_READONLY: "1", MCP_LOG_LEVL: undefined };
    expect(misspeltEnvWarnings("mcp-test", KNOWN, env)).toEqual([
      warned("MCP_READONLY", "MCP_READ_ONLY"),
      warned("MCP_WORKSPACES", "MCP_WORKSPACE"),
    ]);
  });
});
