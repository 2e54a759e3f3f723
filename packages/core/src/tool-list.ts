import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";

type Handler = (request: unknown, extra: unknown) => Promise<unknown>;
interface ListedTool {
  inputSchema?: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
}

const compacted = new WeakSet<McpServer>();

/**
 * Make `tools/list` cheaper for the model and the server: drop the `$schema` key the SDK stamps on every
 * JSON Schema (52 bytes per tool in every conversation's context), and reuse the converted list until the
 * tool set changes instead of re-running zod → JSON Schema on every request.
 */
export function compactToolList(server: McpServer): void {
  if (compacted.has(server)) return;
  // The SDK keeps its handlers in a private map; if that ever changes, the list is served unmodified.
  const handlers = (server.server as unknown as { _requestHandlers?: Map<string, Handler> })._requestHandlers;
  const original = handlers?.get("tools/list");
  if (!handlers || !original) return;
  compacted.add(server);
  let cached: unknown;
  handlers.set("tools/list", async (request, extra) => {
    cached ??= stripSchemaKeys(await original(request, extra));
    return cached;
  });
  const notify = server.sendToolListChanged.bind(server);
  server.sendToolListChanged = () => {
    cached = undefined;
    notify();
  };
}

function stripSchemaKeys(result: unknown): unknown {
  const tools = (result as { tools?: ListedTool[] }).tools;
  if (!Array.isArray(tools)) return result;
  for (const tool of tools) {
    if (tool.inputSchema) delete tool.inputSchema.$schema;
    if (tool.outputSchema) delete tool.outputSchema.$schema;
  }
  return result;
}
