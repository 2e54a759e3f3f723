#!/usr/bin/env node
import { packageVersion, runServerCli } from "@mcp-toolkit/core";
import { createHttpServer } from "./server.js";

await runServerCli({
  spec: { name: "mcp-http", summary: "MCP http server", options: {} },
  version: packageVersion(import.meta.url),
  configure: () => ({}),
  createServer: (config) => createHttpServer(config),
});
