#!/usr/bin/env node
import { packageVersion, runServerCli } from "@mcp-toolkit/core";
import { createFilesystemServer } from "./server.js";

await runServerCli({
  spec: { name: "mcp-filesystem", summary: "MCP filesystem server", options: {} },
  version: packageVersion(import.meta.url),
  configure: () => ({}),
  createServer: (config) => createFilesystemServer(config),
});
