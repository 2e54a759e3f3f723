// What the tests of a shared-token endpoint send (http-server, http-route): the token, an initialize request, and
// POSTs through fetch or, for headers fetch will not send (Host), a raw socket; and a server whose tool waits.
import { z } from "zod";
import { ok } from "../src/results.js";
import { type ServerFactory, serverFactory } from "../src/server-factory.js";
import { defineTool, toolSet } from "../src/tool.js";

export const TOKEN = "test-token-0123456789";
export const AUTH = { authorization: `Bearer ${TOKEN}` };

export const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "curl", version: "1" } },
};

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
export async function rawPost(url: URL, body: unknown, headers: Record<string, string>) {
  const { request } = await import("node:http");
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
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
