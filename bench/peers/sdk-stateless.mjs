// The floor of the HTTP stack for the http-load figures: the SDK v2's own stateless Streamable HTTP handler
// (`createMcpHandler`, both eras; 2025-era requests go to its stateless fallback) mounted on `node:http` with
// `toNodeHandler`, and one echo tool. Nothing else: no Host/Origin guard, no token, no limits, no audit.
// Plain JavaScript run by plain `node`, as a user would run it: under tsx its loader hooks would be the floor's too.
// Listens on 127.0.0.1 at a free port and prints `listening <url>` on stdout.
import { createServer } from "node:http";
import { toNodeHandler } from "../../packages/core/node_modules/@modelcontextprotocol/node/dist/index.mjs";
import {
  createMcpHandler,
  McpServer,
} from "../../packages/core/node_modules/@modelcontextprotocol/server/dist/index.mjs";
import { z } from "../../packages/core/node_modules/zod/index.js";

// A module constant, as our tools' schemas are: a schema built per request would be compiled by zod per request.
const echoInput = z.object({ text: z.string() });
const handler = createMcpHandler(() => {
  const server = new McpServer({ name: "sdk-floor", version: "1.0.0" });
  server.registerTool("echo", { description: "Returns its text.", inputSchema: echoInput }, async ({ text }) => ({
    content: [{ type: "text", text }],
  }));
  return server;
});
const http = createServer(toNodeHandler(handler));
http.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening http://127.0.0.1:${http.address().port}/mcp\n`);
});
process.on("SIGTERM", () => {
  http.closeAllConnections();
  http.close(() => void handler.close().then(() => process.exit(0)));
});
