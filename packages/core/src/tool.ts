import type { McpServer, RegisteredTool } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { CallToolResult, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import { errorMessage, fail } from "./results.js";
import { compactToolList } from "./tool-list.js";

/** The four behaviour hints every tool declares, so clients can gate it. */
export interface ToolHints {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** Per-call extras from the SDK: abort signal, request id, progress. */
export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Everything about one tool in one object: name, prompt-quality description, schemas, hints, handler. */
export interface ToolDefinition<
  In extends z.ZodRawShape = z.ZodRawShape,
  Out extends z.ZodRawShape | undefined = z.ZodRawShape | undefined,
> {
  name: string;
  title?: string;
  description: string;
  inputSchema: In;
  outputSchema?: Out;
  annotations: ToolHints;
  handler: (args: z.infer<z.ZodObject<In>>, extra: ToolExtra) => Promise<CallToolResult>;
}

/** Identity helper that keeps a tool's argument types inferred from its input schema. */
export function defineTool<In extends z.ZodRawShape, Out extends z.ZodRawShape | undefined = undefined>(
  tool: ToolDefinition<In, Out>,
): ToolDefinition<In, Out> {
  return tool;
}

/**
 * Register tools on a server in one loop. A handler that throws becomes an `isError` result
 * naming the tool, so an unexpected failure never takes the session down. The served tool list drops the
 * SDK's `$schema` keys and is cached until the tool set changes.
 */
export function registerTools(
  server: McpServer,
  // biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of tools, each checked at its definition.
  tools: readonly ToolDefinition<any, any>[],
): RegisteredTool[] {
  const registered = tools.map((tool) =>
    server.registerTool(
      tool.name,
      {
        ...(tool.title ? { title: tool.title } : {}),
        description: tool.description,
        inputSchema: tool.inputSchema,
        ...(tool.outputSchema ? { outputSchema: tool.outputSchema } : {}),
        annotations: tool.annotations,
      },
      // biome-ignore lint/suspicious/noExplicitAny: the SDK's callback type is keyed on the schema generic.
      (async (args: any, extra: ToolExtra) => {
        try {
          return await tool.handler(args, extra);
        } catch (error) {
          return fail(`${tool.name} failed: ${errorMessage(error)}`);
        }
      }) as never,
    ),
  );
  compactToolList(server);
  return registered;
}
