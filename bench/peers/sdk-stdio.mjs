// The floor of the stdio stack for the cold-start-floor figure: the SDK v2's McpServer with one echo tool on its
// StdioServerTransport. Nothing else: no options, no sandbox, no prompts or resources. The bench builds it exactly as
// our bins are built (core/build/bundle-bin.mjs: one minified CommonJS bundle, English-only zod, Ajv loaded on first
// use, the code-cache launcher), so what is left between it and our server is our own code.
import { McpServer } from "../../packages/core/node_modules/@modelcontextprotocol/server/dist/index.mjs";
import { StdioServerTransport } from "../../packages/core/node_modules/@modelcontextprotocol/server/dist/stdio.mjs";
import { z } from "../../packages/core/node_modules/zod/index.js";

const echoInput = z.object({ text: z.string() });
const server = new McpServer({ name: "sdk-floor", version: "1.0.0" });
server.registerTool("echo", { description: "Returns its text.", inputSchema: echoInput }, async ({ text }) => ({
  content: [{ type: "text", text }],
}));
void server.connect(new StdioServerTransport());
