import type { McpServer } from "@modelcontextprotocol/server";
import type { ServerBlueprint } from "./mcp-server.js";
import { serverFactory } from "./server-factory.js";

/**
 * One ready server from a blueprint, for a single connection (`server.connect(transport)`); closing the server
 * releases what the blueprint owns, and `await server.close()` returns once it is released. `creator` names the
 * function a library user called (`createSqliteServer`), for the refusal of a second connection after close.
 */
export function singleServer(blueprint: ServerBlueprint, creator?: string): McpServer {
  const factory = serverFactory(blueprint);
  const server = factory();
  let closed = false;
  const previous = server.server.onclose;
  // The client may close the connection first; then nobody can await the release, but it still happens.
  server.server.onclose = () => {
    closed = true;
    previous?.();
    void factory.close();
  };
  // Awaited here so a caller that copies or deletes the database file next finds the executor gone and the WAL
  // checkpointed, and so a server that was never connected (no onclose) still releases what it owns.
  const close = server.close.bind(server);
  server.close = async () => {
    closed = true;
    await close();
    await factory.close();
  };
  // The SDK's McpServer may connect again after close(), and its own refusal of a second transport says to; ours has
  // released its executor, pool and sandbox by then, so every call would answer "shutting down" for good.
  const connect = server.connect.bind(server);
  server.connect = async (transport) => {
    if (closed) throw new Error(reconnectRefusal(blueprint.info.name, creator));
    await connect(transport);
  };
  return server;
}

/** Why a closed single server cannot be connected again, and what to use instead. */
function reconnectRefusal(name: string, creator?: string): string {
  const instead = creator
    ? `${creator}'s server is for one connection. Call ${creator} again for the next connection, or serve many ` +
      `connections from one ${creator}Factory`
    : "it is for one connection. Make another for the next connection, or serve many connections from one factory";
  return `${name}: this server was closed (its client disconnected, or close() was called) and released what it opened, so it cannot be connected again: ${instead}`;
}
