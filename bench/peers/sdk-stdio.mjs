// The floor of the stdio stack for the cold-start-floor and read-file-seq-floor figures: the SDK v2's McpServer on its
// StdioServerTransport with two tools, `echo` and `read` (a file's text by path, readFileSync and nothing else).
// Nothing more: no options, no sandbox, no limits, no prompts or resources. The bench builds it exactly as
// our bins are built (core/build/bundle-bin.mjs: one minified CommonJS bundle, English-only zod, Ajv loaded on first
// use, the code-cache launcher), so what is left between it and our server is our own code.
import { readFileSync } from "node:fs";
import { McpServer } from "../../packages/core/node_modules/@modelcontextprotocol/server/dist/index.mjs";
import { StdioServerTransport } from "../../packages/core/node_modules/@modelcontextprotocol/server/dist/stdio.mjs";
import { z } from "../../packages/core/node_modules/zod/index.js";

const echoInput = z.object({ text: z.string() });
const server = new McpServer({ name: "sdk-floor", version: "1.0.0" });
server.registerTool("echo", { description: "Returns its text.", inputSchema: echoInput }, async ({ text }) => ({
  content: [{ type: "text", text }],
}));
const readInput = z.object({ path: z.string() });
server.registerTool("read", { description: "Returns a file's text.", inputSchema: readInput }, async ({ path }) => ({
  content: [{ type: "text", text: readFileSync(path, "utf8") }],
}));
void server.connect(new StdioServerTransport());
