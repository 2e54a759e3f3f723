import { packageVersion } from "@mcp-toolkit/core";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";

/** Options for createHttpServer. */
export type CreateHttpServerOptions = {};

/** Build the http MCP server. No module state: every instance is independent. */
export function createHttpServer(_options: CreateHttpServerOptions = {}): McpServer {
  return new McpServer({ name: "mcp-http", version: packageVersion(import.meta.url) });
}
