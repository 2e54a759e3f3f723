import { packageVersion } from "@mcp-toolkit/core";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";

/** Options for createSqliteServer. */
export type CreateSqliteServerOptions = {};

/** Build the sqlite MCP server. No module state: every instance is independent. */
export function createSqliteServer(_options: CreateSqliteServerOptions = {}): McpServer {
  return new McpServer({ name: "mcp-sqlite", version: packageVersion(import.meta.url) });
}
