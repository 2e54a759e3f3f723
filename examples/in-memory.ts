/**
 * Use a server in-process, with no child process and no network, in both protocol eras:
 * - a 2025-era client over the SDK's in-memory transport, linked to one ready server (createFilesystemServer);
 * - a 2026-07-28 client whose requests the SDK's HTTP handler answers in this process, one server per request
 *   from the factory (createFilesystemServerFactory); no socket is opened.
 *
 *   pnpm tsx examples/in-memory.ts
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFilesystemServer, createFilesystemServerFactory } from "@mcp-toolkit/filesystem";
import { type CallToolResult, Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { createMcpHandler, InMemoryTransport } from "@modelcontextprotocol/server";

const root = await mkdtemp(join(tmpdir(), "mcp-in-memory-"));

// 2025 era: one server, one linked pair of transports.
const server = createFilesystemServer({ root });
const legacy = new Client({ name: "in-memory-example", version: "1.0.0" });
const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
await server.connect(serverTransport);
await legacy.connect(clientTransport);

// 2026-07-28: the factory builds a server per request; the handler's fetch serves them in process.
const factory = createFilesystemServerFactory({ root });
const handler = createMcpHandler(factory);
const modern = new Client({ name: "in-memory-example", version: "1.0.0" }, { versionNegotiation: { mode: "auto" } });
await modern.connect(
  new StreamableHTTPClientTransport(new URL("http://in-process/mcp"), {
    fetch: (url, init) => handler.fetch(new Request(url, init)),
  }),
);

try {
  const { tools } = await legacy.listTools();
  console.log(`tools: ${tools.map((tool) => tool.name).join(", ")}`);

  await legacy.callTool({ name: "write_file", arguments: { path: "hello.txt", content: "Hello from memory!\n" } });
  const read = await modern.callTool({ name: "read_file", arguments: { path: "hello.txt" } });
  console.log(`read_file: ${textOf(read)}`);
  console.log(`protocol: ${legacy.getNegotiatedProtocolVersion()} and ${modern.getNegotiatedProtocolVersion()}`);
} finally {
  await legacy.close();
  await server.close();
  await modern.close();
  await handler.close();
  await factory.close();
  await rm(root, { recursive: true, force: true });
}

/** The text blocks of a tool result, joined. */
function textOf(result: CallToolResult): string {
  return result.content.map((block) => (block.type === "text" ? block.text : "")).join("");
}
