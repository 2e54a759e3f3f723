/**
 * Two differently configured instances in one process: a read-only "docs" server and a writable
 * "scratch" server, each with its own root. The factories keep no module state, so nothing leaks
 * between them.
 *
 *   pnpm tsx examples/two-instances.ts
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFilesystemServer } from "@mcp-toolkit/filesystem";
import { type CallToolResult, Client } from "@modelcontextprotocol/client";
import { InMemoryTransport, type McpServer } from "@modelcontextprotocol/server";

const base = await mkdtemp(join(tmpdir(), "mcp-two-instances-"));
const docsRoot = join(base, "docs");
const scratchRoot = join(base, "scratch");
await mkdir(docsRoot);
await mkdir(scratchRoot);
await writeFile(join(docsRoot, "guide.md"), "# Guide\nRead me, don't change me.\n");

const docs = await connect(createFilesystemServer({ root: docsRoot, readOnly: true }), "docs");
const scratch = await connect(createFilesystemServer({ root: scratchRoot }), "scratch");

try {
  for (const [name, client] of [
    ["docs", docs],
    ["scratch", scratch],
  ] as const) {
    const { tools } = await client.listTools();
    console.log(`${name} tools: ${tools.map((tool) => tool.name).join(", ")}`);
  }

  const guide = await docs.callTool({ name: "read_file", arguments: { path: "guide.md" } });
  console.log(`docs read_file guide.md: ${firstLine(guide)}`);

  const wrote = await scratch.callTool({ name: "write_file", arguments: { path: "notes.md", content: "draft\n" } });
  console.log(`scratch write_file notes.md: ${wrote.isError ? "error" : "ok"}`);

  // Each instance sees only its own root.
  const missing = await docs.callTool({ name: "read_file", arguments: { path: "notes.md" } });
  console.log(`docs read_file notes.md: ${missing.isError ? "error" : "ok"} (${firstLine(missing)})`);
} finally {
  await docs.close();
  await scratch.close();
  await rm(base, { recursive: true, force: true });
}

/** Link a client to a server in-process; closing the client closes both ends. */
async function connect(server: McpServer, name: string): Promise<Client> {
  const client = new Client({ name: `${name}-client`, version: "1.0.0" });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  await client.connect(clientTransport);
  return client;
}

function firstLine(result: CallToolResult): string {
  const text = result.content.map((block) => (block.type === "text" ? block.text : "")).join("");
  return text.split("\n")[0] ?? "";
}
