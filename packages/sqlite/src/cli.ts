#!/usr/bin/env node
import { packageVersion, runServerCli } from "@mcp-toolkit/core";
import { createSqliteServer } from "./server.js";

await runServerCli({
  spec: { name: "mcp-sqlite", summary: "MCP sqlite server", options: {} },
  version: packageVersion(import.meta.url),
  configure: () => ({}),
  createServer: (config) => createSqliteServer(config),
});
