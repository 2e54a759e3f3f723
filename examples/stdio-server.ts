/**
 * Serve the filesystem server over stdio from your own script: the way Claude Desktop, Claude Code
 * or the MCP Inspector start a server. `serveStdio` answers 2026-07-28 clients and 2025-era ones alike,
 * building one server per connection from the factory.
 *
 *   pnpm tsx examples/stdio-server.ts [ROOT]              (ROOT defaults to ./workspace)
 *   npx @modelcontextprotocol/inspector pnpm tsx examples/stdio-server.ts
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { createFilesystemServerFactory } from "@mcp-toolkit/filesystem";
import { serveStdio } from "@modelcontextprotocol/server/stdio";

const root = resolve(process.argv[2] ?? "workspace");
mkdirSync(root, { recursive: true });

const factory = createFilesystemServerFactory({ root });
const served = serveStdio(factory);
// On stdio, stdout is the protocol: anything meant for people goes to stderr.
process.stderr.write(`filesystem server on stdio, root ${root}\n`);

// The client closing stdin is the signal to stop.
process.stdin.on("close", () => void served.close().then(() => factory.close()));
