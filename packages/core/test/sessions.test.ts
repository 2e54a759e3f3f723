// 2025-era sessions over HTTP (--stateful): what a client is told when its initialize is not one a session can open.
import { afterEach, describe, expect, it } from "vitest";
import { type HttpEndpoint, serveHttp } from "../src/http-server.js";
import { libraryFactory } from "./library.js";

const TOKEN = "test-token-0123456789";
const endpoints: HttpEndpoint[] = [];
afterEach(async () => {
  for (const endpoint of endpoints.splice(0)) await endpoint.close();
});

const initialize = (params: Record<string, unknown>) => ({
  jsonrpc: "2.0",
  id: "open-1",
  method: "initialize",
  params,
});

describe("a --stateful server's answer to an initialize whose params do not fit", () => {
  it.each([
    [
      "a number for protocolVersion",
      { protocolVersion: 5, capabilities: {}, clientInfo: { name: "curl", version: "1" } },
      /^Invalid params: protocolVersion is a number; it should be the protocol revision the client speaks, as text/,
    ],
    [
      "no capabilities",
      { protocolVersion: "2025-11-25", clientInfo: { name: "curl", version: "1" } },
      /^Invalid params: capabilities is missing; it should be an object of the client's capabilities/,
    ],
  ])("names the parameter (%s), not that the first request must be initialize", async (_, params, message) => {
    const endpoint = await serveHttp(libraryFactory(1).factory, {
      host: "127.0.0.1",
      port: 0,
      token: TOKEN,
      stateful: true,
    });
    endpoints.push(endpoint);
    const response = await fetch(endpoint.url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${TOKEN}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify(initialize(params)),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("mcp-session-id")).toBeNull();
    expect(await response.json()).toMatchObject({ id: "open-1", error: { code: -32602, message } });
  });
});
