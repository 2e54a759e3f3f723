import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMcpServer } from "../src/mcp-server.js";
import { ok } from "../src/results.js";
import { serverFactory } from "../src/server-factory.js";
import { defineTool, toolSet } from "../src/tool.js";
import { CLIENT_KINDS, type ClientKind, connectClient, expectedVersion, type TestClient } from "./clients.js";
import { createEchoServer, echoFactory, textOf } from "./fixtures.js";
import { TOOLS_LIST_BODY, TOOLS_LIST_HEADERS } from "./modern-request.js";

describe.each<ClientKind>(CLIENT_KINDS)("tools over a real %s client, in process", (kind) => {
  let client: TestClient;
  beforeEach(async () => {
    client = await connectClient(echoFactory(), kind);
  });
  afterEach(async () => client.close());

  it("negotiates the revision it asked for", () => {
    expect(client.protocolVersion()).toBe(expectedVersion(kind));
  });

  it("lists every tool with its title and all four annotations", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => [t.name, t.title])).toEqual([
      ["echo", "Echo"],
      ["slow_echo", "Slow echo"],
      ["explode", "Explode"],
      ["refuse", "Refuse"],
    ]);
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

  it("reports schema-invalid input as an isError result naming the field, and stays usable", async () => {
    const result = await client.callTool({ name: "echo", arguments: { text: 42 } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/text/);
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "still here" } }))).toBe("still here");
  });

  it("sends progress for a long call that asked for it, increasing, and none for a quick one", async () => {
    const seen: number[] = [];
    // 1,000 ms against progress from 50 ms every 20 ms: two updates need only two of the handler's 10 ms ticks to run
    // 20 ms apart in the 950 ms after the delay, which holds on a loaded machine (200 ms once saw one update).
    const long = await client.callTool(
      { name: "slow_echo", arguments: { text: "done", ms: 1000 } },
      { onprogress: (p) => seen.push(p.progress) },
    );
    expect(textOf(long)).toBe("done");
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    const quick: number[] = [];
    await client.callTool(
      // 1 ms: the handler reports once, at once, which is before progress starts (50 ms) however loaded the machine.
      { name: "slow_echo", arguments: { text: "quick", ms: 1 } },
      { onprogress: (p) => quick.push(p.progress) },
    );
    expect(quick).toEqual([]);
  });
});

describe.each<ClientKind>(CLIENT_KINDS)("cancelling a call from a %s client, in process", (kind) => {
  it("aborts the handler's signal (a closed request stream, or notifications/cancelled)", async () => {
    const events: string[] = [];
    const client = await connectClient(waitingFactory(events), kind);
    try {
      const aborting = new AbortController();
      const call = client.callTool({ name: "wait", arguments: {} }, { signal: aborting.signal });
      setTimeout(() => aborting.abort(), 50);
      await expect(call).rejects.toThrow();
      const deadline = Date.now() + 1000;
      while (events.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(events).toEqual(["aborted"]);
    } finally {
      await client.close();
    }
  });
});

describe("the served tool list", () => {
  it("has no $schema keys, declares no list changes, and is cacheable for an hour by any 2026-07-28 client", async () => {
    const raw: unknown[] = [];
    const { createMcpHandler } = await import("@modelcontextprotocol/server");
    const handler = createMcpHandler(echoFactory());
    const response = await handler.fetch(
      new Request("http://in-process.test/mcp", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...TOOLS_LIST_HEADERS,
        },
        body: JSON.stringify(TOOLS_LIST_BODY),
      }),
    );
    raw.push(await response.json());
    await handler.close();
    const body = raw[0] as { result: { tools: { inputSchema: unknown }[]; ttlMs: number; cacheScope: string } };
    expect(JSON.stringify(body)).not.toContain("$schema");
    expect(body.result.tools[0]?.inputSchema).toMatchObject({
      type: "object",
      properties: { text: { type: "string" } },
    });
    expect(body.result).toMatchObject({ ttlMs: 3_600_000, cacheScope: "public" });
  });

  it("is the same for every server a factory builds", async () => {
    const factory = echoFactory();
    const lists = [];
    for (let i = 0; i < 3; i++) {
      const client = await connectClient(factory, "modern");
      lists.push(await client.listTools({}, { cacheMode: "bypass" }));
      await client.close();
    }
    expect(lists[1]).toEqual(lists[0]);
    expect(lists[2]).toEqual(lists[0]);
  });
});

describe("createMcpServer and createEchoServer", () => {
  it("builds a working server with its name, version and instructions", async () => {
    const server = createMcpServer({ name: "named", version: "1.2.3", instructions: "Be brief." });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(clientSide);
    expect(client.getServerVersion()).toMatchObject({ name: "named", version: "1.2.3" });
    expect(client.getInstructions()).toBe("Be brief.");
    await client.close();
  });

  it("gives a library user one ready server to connect", async () => {
    const server = createEchoServer();
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(clientSide);
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "one" } }))).toBe("one");
    await client.close();
  });
});

describe("a handler that returns no tool result", () => {
  it.each<[string, unknown, string]>([
    ["nothing", undefined, "undefined"],
    ["its text", "hello", "a string"],
  ])("returning %s is an isError result naming the tool, not an invalid reply", async (_, value, what) => {
    const sloppy = defineTool({
      name: "sloppy",
      title: "Sloppy",
      description: "Returns what it should not.",
      inputSchema: {},
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      handler: async () => value as never,
    });
    const client = await connectClient(
      serverFactory({ info: { name: "sloppy", version: "1" }, tools: toolSet([sloppy]) }),
      "v1@2025-11-25",
    );
    const result = await client.callTool({ name: "sloppy", arguments: {} });
    await client.close();
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      `sloppy failed: its handler returned ${what}, not a tool result: return ok(text) or fail(message)`,
    );
  });
});

describe("a handler that throws", () => {
  it("says what the error's cause says, where its own message does not (undici's fetch failed)", async () => {
    const fetching = defineTool({
      name: "fetching",
      title: "Fetching",
      description: "Calls a service that is down.",
      inputSchema: {},
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
      handler: async () => {
        throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:9") });
      },
    });
    const client = await connectClient(
      serverFactory({ info: { name: "fetching", version: "1" }, tools: toolSet([fetching]) }),
      "modern",
    );
    const result = await client.callTool({ name: "fetching", arguments: {} });
    await client.close();
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe("fetching failed: fetch failed: connect ECONNREFUSED 127.0.0.1:9");
  });
});

/** A server whose `wait` tool runs until its call is cancelled, and records that it was. */
function waitingFactory(events: string[]) {
  const wait = defineTool({
    name: "wait",
    title: "Wait",
    description: "Wait until cancelled.",
    inputSchema: {},
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: async (_args, { signal }) => {
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      events.push("aborted");
      return ok("stopped");
    },
  });
  return serverFactory({ info: { name: "waiter", version: "1" }, tools: toolSet([wait]) });
}
