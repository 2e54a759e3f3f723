#!/usr/bin/env node
import { mkdirSync } from "node:fs";
import path from "node:path";
import { CliError, packageVersion, parsePositiveInt, runServerCli } from "@mcp-toolkit/core";
import { Sandbox } from "./sandbox.js";
import { createFilesystemServer } from "./server.js";

await runServerCli({
  spec: {
    name: "mcp-filesystem",
    summary: "MCP filesystem server: sandboxed, bounded, atomic file tools",
    options: {
      root: {
        type: "string",
        multiple: true,
        env: "MCP_WORKSPACE",
        envSeparator: path.delimiter,
        valueName: "DIR",
        description: `Workspace root; relative paths resolve against the first (env: separated by "${path.delimiter}"). Default ./workspace, created if missing.`,
      },
      "read-only": { type: "boolean", env: "MCP_READ_ONLY", description: "Offer only the reading tools." },
      "max-response-bytes": {
        type: "string",
        env: "MCP_MAX_RESPONSE_BYTES",
        default: "65536",
        valueName: "N",
        description: "Largest text response; longer reads are paged.",
      },
    },
  },
  version: packageVersion(import.meta.url),
  configure(values) {
    const roots = values.root.length > 0 ? values.root : ["workspace"];
    if (values.root.length === 0) mkdirSync(path.resolve("workspace"), { recursive: true });
    const maxResponseBytes = parsePositiveInt(values["max-response-bytes"], "--max-response-bytes", 65536);
    if (maxResponseBytes < 1024) throw new CliError("--max-response-bytes must be at least 1024");
    const options = { root: roots, readOnly: values["read-only"], maxResponseBytes };
    new Sandbox(roots); // fail at start-up, in one line, on a missing root
    return options;
  },
  createServer: (options, logger) => createFilesystemServer({ ...options, logger }),
});
