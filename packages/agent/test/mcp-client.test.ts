import { InMemoryTransport, McpServer } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { McpClient, RPC, RpcError } from "../src/mcp-client.js";

async function connected() {
  const server = new McpServer({ name: "t", version: "1" }, { instructions: "Test server." });
  let cancelled = false;
  server.registerTool(
    "add",
    { description: "Add.", inputSchema: z.object({ a: z.number(), b: z.number() }) },
    async ({ a, b }) => ({
      content: [{ type: "text", text: String(a + b) }],
    }),
  );
  server.registerTool("wait", { description: "Wait.", inputSchema: z.object({}) }, async (_args, ctx) => {
    await new Promise<void>((resolve) => ctx.mcpReq.signal.addEventListener("abort", () => resolve()));
    cancelled = ctx.mcpReq.signal.aborted;
    return { content: [{ type: "text", text: "stopped" }] };
  });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  const client = new McpClient(a);
  await client.connect(5000);
  return { client, server, wasCancelled: () => cancelled };
}

describe("McpClient against a real SDK server", () => {
  it("initializes, lists tools and calls one", async () => {
    const { client, server } = await connected();
    expect(client.server).toMatchObject({ name: "t", instructions: "Test server.", capabilities: { tools: {} } });
    const { tools } = await client.listTools(undefined, 5000);
    expect(tools.map((t) => t.name)).toEqual(["add", "wait"]);
    expect(await client.callTool("add", { a: 2, b: 3 }, 5000)).toMatchObject({
      content: [{ type: "text", text: "5" }],
    });
    const bad = await client.callTool("add", { a: "x" }, 5000);
    expect(bad.isError).toBe(true);
    await server.server.ping();
    await client.close();
  });

  it("times out a call, tells the server to cancel, and rejects pending calls when the connection closes", async () => {
    const { client, wasCancelled } = await connected();
    const error = await client.callTool("wait", {}, 100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).code).toBe(RPC.timeout);
    await new Promise((r) => setTimeout(r, 50));
    expect(wasCancelled()).toBe(true);
    const pending = client.callTool("wait", {}, 5000);
    await client.close();
    await expect(pending).rejects.toMatchObject({ code: RPC.connectionClosed });
  });
});
