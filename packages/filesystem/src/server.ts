import { packageVersion } from "@mcp-toolkit/core";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";

/** Options for createFilesystemServer. */
export type CreateFilesystemServerOptions = {};

/** Build the filesystem MCP server. No module state: every instance is independent. */
export function createFilesystemServer(_options: CreateFilesystemServerOptions = {}): McpServer {
  return new McpServer({ name: "mcp-filesystem", version: packageVersion(import.meta.url) });
}
