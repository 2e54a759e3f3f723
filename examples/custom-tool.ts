/**
 * Add your own tool next to ours. createFilesystemServer returns a plain McpServer (SDK v2), so anything the SDK
 * can register works; core's defineTool/registerTools keep the same shape our tools use (one object with
 * name, title, description, schemas, all four annotations and the handler; a throw becomes an isError result).
 *
 *   pnpm tsx examples/custom-tool.ts
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineTool, ok, registerTools } from "@mcp-toolkit/core";
import { createFilesystemServer } from "@mcp-toolkit/filesystem";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { z } from "zod";

const countWords = defineTool({
  name: "count_words",
  title: "Count words",
  description: "Count the words and lines in a text. Returns both counts.",
  inputSchema: { text: z.string().max(1_000_000).describe("Text to count, up to 1,000,000 characters.") },
  outputSchema: { words: z.number().describe("Whitespace-separated words."), lines: z.number().describe("Lines.") },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async ({ text }) => {
    const words = text.split(/\s+/).filter(Boolean).length;
    const lines = text === "" ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    return ok(`${words} words, ${lines} lines`, { words, lines });
  },
});

const root = await mkdtemp(join(tmpdir(), "mcp-custom-tool-"));
await writeFile(join(root, "poem.txt"), "The fog comes\non little cat feet.\n");

const server = createFilesystemServer({ root, readOnly: true });
registerTools(server, [countWords]);

// Any transport works; in-memory keeps the example self-contained (see stdio-server.ts and http-app.ts).
const client = new Client({ name: "custom-tool-example", version: "1.0.0" });
const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
await server.connect(serverTransport);
await client.connect(clientTransport);

try {
  const { tools } = await client.listTools();
  console.log(`tools: ${tools.map((tool) => tool.name).join(", ")}`);

  const poem = await client.callTool({ name: "read_file", arguments: { path: "poem.txt" } });
  const text = poem.content.map((block) => (block.type === "text" ? block.text : "")).join("");
  const counted = await client.callTool({ name: "count_words", arguments: { text } });
  console.log(`count_words: ${JSON.stringify(counted.structuredContent)}`);
} finally {
  await client.close();
  await server.close();
  await rm(root, { recursive: true, force: true });
}
