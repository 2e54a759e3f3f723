/**
 * Mount an MCP server on your own node:http app over Streamable HTTP, behind a bearer token.
 * The endpoint is stateless: one server instance answers every client, no session ids, so the app
 * can run as many replicas as you like behind a load balancer.
 *
 *   MCP_AUTH_TOKEN=change-me pnpm tsx examples/http-app.ts [ROOT]       (PORT=3000 HOST=127.0.0.1 by default)
 *   npx @modelcontextprotocol/inspector   → Streamable HTTP, http://127.0.0.1:3000/mcp,
 *                                           header Authorization: Bearer change-me
 */
import { mkdirSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { createStatelessHandler, isAuthorized, MAX_HTTP_BODY_BYTES } from "@mcp-toolkit/core";
import { createFilesystemServer } from "@mcp-toolkit/filesystem";

const token = process.env.MCP_AUTH_TOKEN?.trim();
if (!token) {
  process.stderr.write("http-app: set MCP_AUTH_TOKEN, e.g. MCP_AUTH_TOKEN=$(openssl rand -hex 32)\n");
  process.exit(2);
}
const root = resolve(process.argv[2] ?? "workspace");
mkdirSync(root, { recursive: true });

const mcp = createStatelessHandler(createFilesystemServer({ root, readOnly: true }));
await mcp.ready;

const app = createServer((req, res) => {
  route(req, res).catch((error: unknown) => {
    process.stderr.write(`http-app: ${(error as Error).message}\n`);
    if (!res.headersSent) send(res, 500, { error: "internal error" });
  });
});

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { pathname } = new URL(req.url ?? "/", "http://localhost");
  if (pathname === "/") return send(res, 200, { app: "my app", mcp: "/mcp" });
  if (pathname !== "/mcp") return send(res, 404, { error: "not found" });
  if (!isAuthorized(req.headers.authorization, token as string)) {
    res.setHeader("www-authenticate", 'Bearer realm="mcp"');
    return send(res, 401, { error: "send Authorization: Bearer <MCP_AUTH_TOKEN>" });
  }
  // The handler takes the parsed JSON body (as express.json() would give it) and answers POSTs.
  const body = req.method === "POST" ? await readJson(req) : undefined;
  if (body instanceof Error) return send(res, 400, { error: body.message });
  await mcp.handle(req, res, body);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_HTTP_BODY_BYTES) return new Error(`body over ${MAX_HTTP_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return new Error("body is not valid JSON");
  }
}

function send(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? "127.0.0.1", () => {
  const { address, port } = app.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  // The one line on stdout: where the endpoint is (tests read it to find a port chosen with PORT=0).
  console.log(`MCP endpoint: http://${host}:${port}/mcp (root ${root})`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    app.closeAllConnections();
    app.close(() => process.exit(0));
  });
}
