import { noProgress, type ToolDefinition } from "@mcp-toolkit/core";
import type { CallToolResult } from "@modelcontextprotocol/server";

/**
 * Run one of this server's tools for a prompt, under the tool's own checks and caps, and return its text; a
 * refusal (isError) becomes an Error with the tool's message, for the client to show. The tool stops when `signal`
 * (the prompts/get request's) aborts: a cancelled prompt's search does not run on unheard.
 */
export async function toolText(
  // biome-ignore lint/suspicious/noExplicitAny: any tool of this server.
  tool: ToolDefinition<any, any>,
  args: Record<string, unknown>,
  signal: AbortSignal,
): Promise<string> {
  const result: CallToolResult = await tool.handler(args, {
    signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]),
    progress: noProgress,
    confirm: async () => "unsupported",
  });
  const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
  if (result.isError) throw new Error(text);
  return text;
}
