import { packageVersion, registerTools, silentLogger, type ToolDefinition } from "@mcp-toolkit/core";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ListToolsResult } from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import { type Context, type FilesystemServerOptions, resolveLimits } from "./options.js";
import { Sandbox } from "./sandbox.js";
import { createDirectoryTool } from "./tools/create-directory.js";
import { deleteFileTool } from "./tools/delete-file.js";
import { directoryTreeTool } from "./tools/directory-tree.js";
import { editFileTool } from "./tools/edit-file.js";
import { getFileInfoTool } from "./tools/get-file-info.js";
import { listDirectoryTool } from "./tools/list-directory.js";
import { moveFileTool } from "./tools/move-file.js";
import { readFileTool } from "./tools/read-file.js";
import { readMultipleFilesTool } from "./tools/read-multiple-files.js";
import { searchFilesTool } from "./tools/search-files.js";
import { writeFileTool } from "./tools/write-file.js";

const VERSION = packageVersion(import.meta.url);

/**
 * Build the filesystem MCP server for the given root(s). No module state: each call makes an
 * independent server, so servers with different roots can share a process. Throws if a root is missing.
 */
export function createFilesystemServer(options: FilesystemServerOptions): McpServer {
  const roots = typeof options.root === "string" ? [options.root] : [...options.root];
  const ctx: Context = {
    sandbox: new Sandbox(roots),
    limits: resolveLimits(options),
    logger: options.logger ?? silentLogger,
  };
  // biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list, each tool checked at its definition.
  const tools: ToolDefinition<any, any>[] = [
    readFileTool(ctx),
    readMultipleFilesTool(ctx),
    listDirectoryTool(ctx),
    directoryTreeTool(ctx),
    searchFilesTool(ctx),
    getFileInfoTool(ctx),
  ];
  if (!options.readOnly) {
    tools.push(writeFileTool(ctx), editFileTool(ctx), createDirectoryTool(ctx), moveFileTool(ctx), deleteFileTool(ctx));
  }
  const server = new McpServer({ name: "mcp-filesystem", version: VERSION }, { jsonSchemaValidator: lazyValidator() });
  registerTools(server, tools);
  dropSchemaKeyword(server);
  ctx.logger.debug(`roots: ${ctx.sandbox.realRoots.join(", ")}${options.readOnly ? " (read-only)" : ""}`);
  return server;
}

/**
 * tools/list exactly as the SDK answers it (every registered tool: ours, and any a library user adds),
 * minus the `"$schema"` keyword it stamps on each schema: 52 bytes a tool in every model's context, and
 * MCP assumes JSON Schema without it. The SDK has no public hook for this, so its handler is wrapped; if
 * its internals change, the list just keeps `"$schema"` (and the tool-definition budget test says so).
 * Could move to core's registerTools for every server.
 */
function dropSchemaKeyword(server: McpServer): void {
  const handlers = (server.server as unknown as { _requestHandlers?: unknown })._requestHandlers;
  if (!(handlers instanceof Map)) return;
  const original = handlers.get("tools/list") as ((...args: unknown[]) => Promise<ListToolsResult>) | undefined;
  if (typeof original !== "function") return;
  handlers.set("tools/list", async (...args: unknown[]) => {
    const result = await original(...args);
    for (const tool of result.tools) {
      delete (tool.inputSchema as { $schema?: unknown }).$schema;
      if (tool.outputSchema) delete (tool.outputSchema as { $schema?: unknown }).$schema;
    }
    return result;
  });
}

/**
 * The SDK's Ajv validator (used only to check elicitation replies), built on first use instead of in
 * the constructor: setting Ajv up costs milliseconds of every cold start, and these tools never elicit.
 */
function lazyValidator(): jsonSchemaValidator {
  let ajv: AjvJsonSchemaValidator | undefined;
  return {
    getValidator: (schema) => {
      ajv ??= new AjvJsonSchemaValidator();
      return ajv.getValidator(schema);
    },
  };
}
