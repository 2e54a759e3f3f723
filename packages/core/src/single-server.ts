import type { McpServer } from "@modelcontextprotocol/server";
import type { ServerBlueprint } from "./mcp-server.js";
import { serverFactory } from "./server-factory.js";

/**
 * One ready server from a blueprint, for a single connection (`server.connect(transport)`); closing the server
 * releases what the blueprint owns, and `await server.close()` returns once it is released.
 */
export function singleServer(blueprint: ServerBlueprint): McpServer {
  const factory = serverFactory(blueprint);
  const server = factory();
  const previous = server.server.onclose;
  // The client may close the connection first; then nobody can await the release, but it still happens.
  server.server.onclose = () => {
    previous?.();
    void factory.close();
  };
  // Awaited here so a caller that copies or deletes the database file next finds the executor gone and the WAL
  // checkpointed, and so a server that was never connected (no onclose) still releases what it owns.
  const close = server.close.bind(server);
  server.close = async () => {
    await close();
    await factory.close();
  };
  return server;
}
