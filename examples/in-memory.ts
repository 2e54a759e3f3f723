/**
 * Use a server in-process, with no child process and no network: the SDK's in-memory transport links
 * a real MCP Client to our server inside one Node process (handy in tests and in your own agents).
 *
 *   pnpm tsx examples/in-memory.ts
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFilesystemServer } from "@mcp-toolkit/filesystem";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

const root = await mkdtemp(join(tmpdir(), "mcp-in-memory-"));
const server = createFilesystemServer({ root });
const client = new Client({ name: "in-memory-example", version: "1.0.0" });

const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
await server.connect(serverTransport);
await client.connect(clientTransport);

try {
  const { tools } = await client.listTools();
  console.log(`tools: ${tools.map((tool) => tool.name).join(", ")}`);

  await client.callTool({ name: "write_file", arguments: { path: "hello.txt", content: "Hello from memory!\n" } });
  const read = await client.callTool({ name: "read_file", arguments: { path: "hello.txt" } });
  console.log(`read_file: ${textOf(read)}`);
} finally {
  await client.close();
  await server.close();
  await rm(root, { recursive: true, force: true });
}

/** The text blocks of a tool result, joined. */
function textOf(result: unknown): string {
  return (result as CallToolResult).content.map((block) => (block.type === "text" ? block.text : "")).join("");
}
