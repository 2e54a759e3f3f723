/**
 * Serve the filesystem server over stdio from your own script: the way Claude Desktop, Claude Code
 * or the MCP Inspector start a server.
 *
 *   pnpm tsx examples/stdio-server.ts [ROOT]              (ROOT defaults to ./workspace)
 *   npx @modelcontextprotocol/inspector pnpm tsx examples/stdio-server.ts
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { createFilesystemServer } from "@mcp-toolkit/filesystem";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";

const root = resolve(process.argv[2] ?? "workspace");
mkdirSync(root, { recursive: true });

const server = createFilesystemServer({ root });
await server.connect(new StdioServerTransport());
// On stdio, stdout is the protocol: anything meant for people goes to stderr.
process.stderr.write(`filesystem server on stdio, root ${root}\n`);

// The client closing stdin is the signal to stop.
process.stdin.on("close", () => void server.close());
