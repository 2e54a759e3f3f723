import { packageVersion, registerTools, silentLogger, type ToolDefinition } from "@mcp-toolkit/core";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ListToolsRequestSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
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
  const server = new McpServer({ name: "mcp-filesystem", version: VERSION });
  registerTools(server, tools);
  serveCompactToolList(server, tools);
  ctx.logger.debug(`roots: ${ctx.sandbox.realRoots.join(", ")}${options.readOnly ? " (read-only)" : ""}`);
  return server;
}

/**
 * Answer tools/list with the same definitions the SDK would send, minus the `"$schema"` keyword it
 * stamps on every schema (52 bytes a tool, in every model's context; MCP assumes JSON Schema 2020-12
 * without it). Built once: the list never changes. Could move to core's registerTools.
 */
// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list, each tool checked at its definition.
function serveCompactToolList(server: McpServer, tools: readonly ToolDefinition<any, any>[]): void {
  let list: Tool[] | undefined;
  const schema = (shape: z.ZodRawShape, io: "input" | "output") => {
    const { $schema: _, ...json } = z.toJSONSchema(z.object(shape), { target: "draft-2020-12", io });
    return json as Tool["inputSchema"];
  };
  server.server.setRequestHandler(ListToolsRequestSchema, () => {
    list ??= tools.map((tool) => ({
      name: tool.name,
      ...(tool.title ? { title: tool.title } : {}),
      description: tool.description,
      inputSchema: schema(tool.inputSchema, "input"),
      ...(tool.outputSchema ? { outputSchema: schema(tool.outputSchema, "output") } : {}),
      annotations: tool.annotations,
      execution: { taskSupport: "forbidden" },
    }));
    return { tools: list };
  });
}
