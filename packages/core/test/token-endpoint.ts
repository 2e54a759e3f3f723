// What the tests of a shared-token endpoint (http-server, http-route) serve and send: endpoints and clients closed
// after each test, the token, an initialize request, and POSTs through fetch or, for headers fetch will not send
// (Host), a raw socket; and a server whose tool waits.
import { afterEach } from "vitest";
import { z } from "zod";
import { type HttpEndpoint, type HttpServeOptions, serveHttp } from "../src/http-server.js";
import { ok } from "../src/results.js";
import { type ServerFactory, serverFactory } from "../src/server-factory.js";
import { defineTool, toolSet } from "../src/tool.js";
import { type ClientKind, connectClient, type TestClient } from "./clients.js";
import { echoFactory } from "./fixtures.js";

export const TOKEN = "test-token-0123456789";
export const AUTH = { authorization: `Bearer ${TOKEN}` };

export const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "curl", version: "1" } },
};

/**
 * Register the hook of a test file that serves a shared-token endpoint, and return how its tests start one on
 * 127.0.0.1 (TOKEN, an echo server unless given a factory) and connect a client; each test's are closed after it.
 */
export function tokenEndpointFixture() {
  const endpoints: HttpEndpoint[] = [];
  const clients: TestClient[] = [];
  afterEach(async () => {
    await Promise.allSettled(clients.splice(0).map((c) => c.close()));
    await Promise.allSettled(endpoints.splice(0).map((e) => e.close()));
  });
  return {
    clients,
    async start(options: Partial<HttpServeOptions> = {}, factory = echoFactory()): Promise<HttpEndpoint> {
      const endpoint = await serveHttp(factory, { host: "127.0.0.1", port: 0, token: TOKEN, ...options });
      endpoints.push(endpoint);
      return endpoint;
    },
    async connect(url: URL, kind: ClientKind = "modern", token = TOKEN): Promise<TestClient> {
      const client = await connectClient({ url, token }, kind);
      clients.push(client);
      return client;
    },
  };
}

/** POST `body` (JSON, or text as it is) to `url`, accepting JSON or SSE, plus any `headers`. */
export function post(url: URL, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

/** A POST with headers fetch would refuse to send (Host), over a raw socket. */
export async function rawPost(
  url: URL,
  body: unknown,
  headers: Record<string, string | string[]>,
  path = url.pathname,
) {
  const { request } = await import("node:http");
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "content-length": Buffer.byteLength(payload),
          ...headers,
        },
      },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => {
          text += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** A server whose `wait` tool runs until it is cancelled, recording when it saw the abort. */
export function waitingFactory(events: string[]): ServerFactory {
  const wait = defineTool({
    name: "wait",
    title: "Wait",
    description: "Wait until cancelled or ms pass.",
    inputSchema: { ms: z.number().int().describe("How long.") },
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: async ({ ms }, { signal }) => {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal.addEventListener("abort", () => {
          clearTimeout(timer);
          events.push("aborted");
          resolve();
        });
      });
      return ok("waited");
    },
  });
  return serverFactory({ info: { name: "waiter", version: "1" }, tools: toolSet([wait]) });
}
