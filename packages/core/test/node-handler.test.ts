import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createMcpHandler } from "@modelcontextprotocol/server";
import { afterEach, describe, expect, it } from "vitest";
import { type NodeMcpHandler, nodeMcpHandler } from "../src/node-handler.js";
import { CLIENT_KINDS, connectClient, expectedVersion, type TestClient } from "./clients.js";
import { echoFactory, textOf } from "./fixtures.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

/** Every request to MCP, as examples/http-app.ts routes /mcp. */
const allToMcp =
  (mcp: NodeMcpHandler): RequestListener =>
  (req, res) =>
    void mcp(req, res);

/** A plain node:http app on 127.0.0.1 whose `route` hands requests to `nodeMcpHandler`. */
async function startApp(route = allToMcp): Promise<URL> {
  const handler = createMcpHandler(echoFactory());
  const app: Server = createServer(route(nodeMcpHandler(handler)));
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  cleanup.push(
    () => handler.close(),
    () => new Promise<void>((resolve) => app.close(() => resolve())),
    async () => app.closeAllConnections(),
  );
  return new URL(`http://127.0.0.1:${(app.address() as AddressInfo).port}/mcp`);
}

describe("nodeMcpHandler", () => {
  it.each(CLIENT_KINDS)("serves a %s client through node:http's own request and response", async (kind) => {
    const url = await startApp();
    const client: TestClient = await connectClient({ url, token: "unused" }, kind);
    cleanup.push(() => client.close());
    expect(client.protocolVersion()).toBe(expectedVersion(kind));
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "hi" } }))).toBe("hi");
  });

  it("takes a body the app already parsed instead of reading the request", async () => {
    const parsed = {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "app", version: "1" } },
    };
    // The app consumes the stream itself, as express.json() does, and passes what it parsed.
    const url = await startApp((mcp) => (req, res) => {
      req.resume();
      req.on("end", () => void mcp(req, res, parsed));
    });
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: "{}",
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('"protocolVersion":"2025-06-18"');
  });

  /** A middleware that reads the whole request and leaves `leave(its bytes)` on req.body, as body-parser does. */
  const bodyReadFirst =
    (leave: (raw: Buffer) => unknown) =>
    (mcp: NodeMcpHandler): RequestListener =>
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        Object.assign(req, { body: leave(Buffer.concat(chunks)) });
        void mcp(req, res);
      });
    };

  /** A client of `kind` calls echo through the app at `url`. */
  async function echoesThrough(url: URL, kind: (typeof CLIENT_KINDS)[number]): Promise<void> {
    const client: TestClient = await connectClient({ url, token: "unused" }, kind);
    cleanup.push(() => client.close());
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "parsed before" } }))).toBe("parsed before");
  }

  it.each(CLIENT_KINDS)(
    "takes the body a middleware left on req.body, as express.json() does, when the app passes none (%s client)",
    async (kind) => {
      const url = await startApp(bodyReadFirst((raw) => (raw.length > 0 ? JSON.parse(raw.toString()) : {})));
      await echoesThrough(url, kind);
    },
  );

  it.each(["buffer", "text"] as const)(
    "parses the body a middleware left unparsed on req.body as a %s (express.raw(), express.text())",
    async (form) => {
      const url = await startApp(bodyReadFirst((raw) => (form === "buffer" ? raw : raw.toString())));
      await echoesThrough(url, "modern");
    },
  );
});
