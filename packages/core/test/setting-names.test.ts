import { describe, expect, it } from "vitest";
import type { OptionSpec } from "../src/cli-options.js";
import { flagNames, optionNames } from "../src/setting-names.js";

const OPTIONS: Record<string, OptionSpec> = {
  "allow-private": { type: "boolean", env: "MCP_HTTP_ALLOW_PRIVATE", description: "d" },
  "allow-hosts": {
    type: "string",
    multiple: true,
    env: "MCP_HTTP_ALLOW_HOSTS",
    valueName: "PATTERN",
    description: "d",
  },
  "timeout-ms": { type: "string", env: "MCP_HTTP_TIMEOUT_MS", valueName: "MS", description: "d" },
  "no-env": { type: "string", description: "d" },
  "allowed-origin": {
    type: "string",
    multiple: true,
    env: "MCP_ALLOWED_ORIGINS",
    valueName: "ORIGIN",
    description: "d",
  },
};

describe("setting names", () => {
  it.each([
    ["allowPrivate", "true", "allowPrivate: true", "--allow-private (MCP_HTTP_ALLOW_PRIVATE=1)"],
    ["allowHosts", undefined, "allowHosts", "--allow-hosts PATTERN (MCP_HTTP_ALLOW_HOSTS)"],
    [
      "allowHosts",
      "api.example.com",
      "allowHosts: api.example.com",
      "--allow-hosts api.example.com (MCP_HTTP_ALLOW_HOSTS)",
    ],
    ["timeoutMs", undefined, "timeoutMs", "--timeout-ms MS (MCP_HTTP_TIMEOUT_MS)"],
    ["noEnv", undefined, "noEnv", "--no-env VALUE"],
    ["allowedOrigins", undefined, "allowedOrigins", "--allowed-origin ORIGIN (MCP_ALLOWED_ORIGINS)"],
    ["unknownOption", "1", "unknownOption: 1", "unknownOption: 1"],
    // Every bin takes the common server flags, which serve() adds to its own.
    ["stateful", "true", "stateful: true", "--stateful (MCP_HTTP_STATEFUL=1)"],
  ])("%s (%s): a library reads %j, a bin %j", (option, value, library, bin) => {
    expect(optionNames(option, value)).toBe(library);
    expect(flagNames(OPTIONS)(option, value)).toBe(bin);
  });
});
