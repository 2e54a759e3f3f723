import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEchoServer, textOf } from "./fixtures.js";

describe("registerTools over an in-memory round trip", () => {
  let client: Client;
  beforeEach(async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await createEchoServer().connect(serverSide);
    client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(clientSide);
  });
  afterEach(async () => client.close());

  it("lists every tool with all four annotations", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(["echo", "slow_echo", "explode", "refuse"]);
    for (const tool of tools) {
      expect(Object.keys(tool.annotations ?? {}).sort()).toEqual([
        "destructiveHint",
        "idempotentHint",
        "openWorldHint",
        "readOnlyHint",
      ]);
    }
  });

  it("calls a tool and returns its text", async () => {
    const result = await client.callTool({ name: "echo", arguments: { text: "héllo" } });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe("héllo");
  });

  it("turns a throwing handler into an isError result naming the tool", async () => {
    const result = await client.callTool({ name: "explode", arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe("explode failed: boom");
  });

  it("returns refusals as isError with the handler's message", async () => {
    const result = await client.callTool({ name: "refuse", arguments: {} });
    expect(result).toMatchObject({ isError: true });
    expect(textOf(result)).toContain("try echo");
  });

  it("reports schema-invalid input as an isError result, not a crash", async () => {
    const result = await client.callTool({ name: "echo", arguments: { text: 42 } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/text/);
    // The session is still usable afterwards.
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "still here" } }))).toBe("still here");
  });
});

describe("createMcpServer", () => {
  it("builds a working server with its name, version and instructions", async () => {
    const { createMcpServer } = await import("../src/mcp-server.js");
    const server = createMcpServer({ name: "lazy", version: "1.2.3", instructions: "Be brief." });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(clientSide);
    expect(client.getServerVersion()).toMatchObject({ name: "lazy", version: "1.2.3" });
    expect(client.getInstructions()).toBe("Be brief.");
    await client.close();
  });
});

describe("the served tool list", () => {
  it("has no $schema keys and follows tools added later", async () => {
    const server = createEchoServer();
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(clientSide);
    const first = await client.listTools();
    expect(JSON.stringify(first)).not.toContain("$schema");
    expect(first.tools[0]?.inputSchema).toMatchObject({ type: "object", properties: { text: { type: "string" } } });
    server.registerTool("late", { description: "Added after connecting." }, async () => ({ content: [] }));
    const second = await client.listTools();
    expect(second.tools.map((t) => t.name)).toContain("late");
    expect(JSON.stringify(second)).not.toContain("$schema");
    await client.close();
  });
});
