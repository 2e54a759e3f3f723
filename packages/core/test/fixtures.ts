import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { fail, ok } from "../src/results.js";
import { defineTool, registerTools } from "../src/tool.js";

/** A small real server for exercising the kit: echo, a slow tool, and one that throws. */
export function createEchoServer(): McpServer {
  const server = new McpServer({ name: "echo", version: "1.0.0" });
  registerTools(server, [
    defineTool({
      name: "echo",
      description: "Return the text given.",
      inputSchema: { text: z.string().describe("Text to return.") },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      handler: async ({ text }) => ok(text, undefined),
    }),
    defineTool({
      name: "slow_echo",
      description: "Return the text after a delay.",
      inputSchema: { text: z.string().describe("Text."), ms: z.number().int().min(0).max(5000).describe("Delay.") },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      handler: async ({ text, ms }) => {
        await new Promise((r) => setTimeout(r, ms));
        return ok(text);
      },
    }),
    defineTool({
      name: "explode",
      description: "Always throws.",
      inputSchema: {},
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      handler: async () => {
        throw new Error("boom");
      },
    }),
    defineTool({
      name: "refuse",
      description: "Always refuses.",
      inputSchema: {},
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      handler: async () => fail("refused: nothing to do — try echo"),
    }),
  ]);
  return server;
}

/** The text of a tool result's first content block. */
export function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((c) => c.text ?? "").join("");
}
