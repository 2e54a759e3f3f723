import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { type Logger, silentLogger } from "./logger.js";
import { StatelessMultiplexTransport } from "./stateless-transport.js";

/** Largest request body accepted, in bytes. */
export const MAX_HTTP_BODY_BYTES = 4 * 1024 * 1024;

/** How to serve MCP over Streamable HTTP. */
export interface HttpServeOptions {
  host: string;
  port: number;
  /** Bearer token every request to /mcp must carry. */
  token: string;
  /**
   * Stateless (default): one server answers every request, no session ids, so any replica behind a load
   * balancer can take any call. Stateful: the SDK's session transport, one server per session.
   */
  stateful?: boolean;
  /** URL path of the endpoint. Default "/mcp". */
  path?: string;
  logger?: Logger;
}

/** A running HTTP endpoint. */
export interface HttpEndpoint {
  url: URL;
  server: Server;
  close(): Promise<void>;
}

/** Constant-time check of an `Authorization: Bearer …` header. */
export function isAuthorized(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? "");
  if (!match?.[1]) return false;
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(match[1].trim()), digest(token));
}

/** Node request handler for a stateless MCP endpoint backed by one server instance. */
export function createStatelessHandler(server: McpServer): {
  handle: (req: IncomingMessage, res: ServerResponse, body: unknown) => Promise<void>;
  ready: Promise<void>;
} {
  const transport = new StatelessMultiplexTransport();
  const ready = server.connect(transport);
  const handle = async (req: IncomingMessage, res: ServerResponse, body: unknown) => {
    if (req.method !== "POST") {
      return sendJson(res, 405, rpcError(null, -32000, "Method not allowed: this stateless endpoint takes POST only"), {
        allow: "POST",
      });
    }
    const messages = (Array.isArray(body) ? body : [body]) as JSONRPCMessage[];
    if (messages.length === 0 || !messages.every(isJsonRpc)) {
      return sendJson(
        res,
        400,
        rpcError(null, -32600, "Invalid Request: body must be a JSON-RPC 2.0 message or array of them"),
      );
    }
    const aborted = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) aborted.abort();
    });
    const responses = await transport.dispatch(messages, { requestInfo: { headers: req.headers } }, aborted.signal);
    if (res.destroyed) return;
    if (responses.length === 0) {
      res.writeHead(202).end();
      return;
    }
    sendJson(res, 200, Array.isArray(body) ? responses : responses[0]);
  };
  return { handle, ready };
}

/** Serve MCP over Streamable HTTP with bearer-token auth on `path` and an open `GET /healthz`. */
export async function serveHttp(
  createMcpServer: () => McpServer | Promise<McpServer>,
  options: HttpServeOptions,
): Promise<HttpEndpoint> {
  const logger = options.logger ?? silentLogger;
  const path = options.path ?? "/mcp";
  const servers: McpServer[] = [];
  let handle: (req: IncomingMessage, res: ServerResponse, body: unknown) => Promise<void>;

  if (options.stateful) {
    // The SDK's session transport pulls in a web-server stack; load it only for stateful mode.
    const { StreamableHTTPServerTransport } = await import("@modelcontextprotocol/sdk/server/streamableHttp.js");
    const sessions = new Map<string, StreamableHTTPServerTransport>();
    handle = async (req, res, body) => {
      const sessionId = req.headers["mcp-session-id"];
      const existing = typeof sessionId === "string" ? sessions.get(sessionId) : undefined;
      if (existing) return existing.handleRequest(req, res, body);
      if (sessionId !== undefined) {
        return sendJson(res, 404, rpcError(null, -32001, "Session not found: start a new session with initialize"));
      }
      if (req.method !== "POST" || !isInitializeRequest(body)) {
        return sendJson(
          res,
          400,
          rpcError(null, -32000, "Bad Request: no session id; the first request must be initialize"),
        );
      }
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void sessions.set(id, transport),
      });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
      };
      const server = await createMcpServer();
      servers.push(server);
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    };
  } else {
    const server = await createMcpServer();
    servers.push(server);
    const stateless = createStatelessHandler(server);
    await stateless.ready;
    handle = stateless.handle;
  }

  const httpServer = createServer((req, res) => {
    void route(req, res).catch((error: unknown) => {
      logger.error(`HTTP request failed: ${(error as Error).message}`);
      if (!res.headersSent) sendJson(res, 500, rpcError(null, -32603, "Internal error"));
      else res.end();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/healthz" && req.method === "GET") return sendJson(res, 200, { status: "ok" });
    if (url.pathname !== path) return sendJson(res, 404, { error: `not found: the MCP endpoint is ${path}` });
    if (!isAuthorized(req.headers.authorization, options.token)) {
      logger.warn(`refused ${req.method} ${path} from ${req.socket.remoteAddress}: missing or wrong bearer token`);
      return sendJson(res, 401, rpcError(null, -32001, "Unauthorized: send Authorization: Bearer <MCP_AUTH_TOKEN>"), {
        "www-authenticate": 'Bearer realm="mcp"',
      });
    }
    let body: unknown;
    if (req.method === "POST") {
      const read = await readJsonBody(req);
      if (!read.ok) return sendJson(res, read.status, rpcError(null, read.code, read.message));
      body = read.value;
    }
    await handle(req, res, body);
  }

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.port, options.host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = new URL(`http://${host}:${address.port}${path}`);
  logger.info(`serving MCP over Streamable HTTP at ${url} (${options.stateful ? "stateful" : "stateless"})`);

  return {
    url,
    server: httpServer,
    async close() {
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}

type BodyResult = { ok: true; value: unknown } | { ok: false; status: number; code: number; message: string };

async function readJsonBody(req: IncomingMessage): Promise<BodyResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_HTTP_BODY_BYTES) {
      return { ok: false, status: 413, code: -32600, message: `Request body over ${MAX_HTTP_BODY_BYTES} bytes` };
    }
    chunks.push(chunk as Buffer);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString("utf8")) };
  } catch {
    return { ok: false, status: 400, code: -32700, message: "Parse error: body is not valid JSON" };
  }
}

function isJsonRpc(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as { jsonrpc?: unknown }).jsonrpc === "2.0";
}

function rpcError(id: null, code: number, message: string) {
  return { jsonrpc: "2.0", id, error: { code, message } };
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(value));
}
