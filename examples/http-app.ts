/**
 * Mount an MCP server on your own node:http app over Streamable HTTP, behind a bearer token, with the Host and
 * Origin checks the spec requires. The SDK's handler builds a server per request from the factory (the sandbox
 * and tools are shared) and answers 2026-07-28 and 2025-era clients alike, with no session ids, so the app can
 * run as many replicas as you like behind a load balancer.
 *
 *   MCP_AUTH_TOKEN=change-me pnpm tsx examples/http-app.ts [ROOT]       (PORT=3000 HOST=127.0.0.1 by default)
 *   npx @modelcontextprotocol/inspector   → Streamable HTTP, http://127.0.0.1:3000/mcp,
 *                                           header Authorization: Bearer change-me
 */
import { mkdirSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { checkRequest, guardPolicy, isAuthorized, nodeMcpHandler } from "@mcp-toolkit/core";
import { createFilesystemServerFactory } from "@mcp-toolkit/filesystem";
import { createMcpHandler } from "@modelcontextprotocol/server";

const token = process.env.MCP_AUTH_TOKEN?.trim();
if (!token) {
  process.stderr.write("http-app: set MCP_AUTH_TOKEN, e.g. MCP_AUTH_TOKEN=$(openssl rand -hex 32)\n");
  process.exit(2);
}
const root = resolve(process.argv[2] ?? "workspace");
mkdirSync(root, { recursive: true });
const host = process.env.HOST ?? "127.0.0.1";

const factory = createFilesystemServerFactory({ root, readOnly: true });
const handler = createMcpHandler(factory);
// Typed for node:http's own request and response, so this compiles under any tsconfig strictness.
const mcp = nodeMcpHandler(handler);
// Bound to loopback, only loopback Host and Origin headers pass: a web page cannot reach the endpoint.
const policy = guardPolicy(host);

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
  const allowed = checkRequest({ host: req.headers.host, origin: req.headers.origin }, policy);
  if (!allowed.ok) return send(res, 403, { error: allowed.reason });
  if (!isAuthorized(req.headers.authorization, token as string)) {
    res.setHeader("www-authenticate", 'Bearer realm="mcp"');
    return send(res, 401, { error: "send Authorization: Bearer <MCP_AUTH_TOKEN>" });
  }
  await mcp(req, res);
}

function send(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

app.listen(Number(process.env.PORT ?? 3000), host, () => {
  const { address, port } = app.address() as AddressInfo;
  const shown = address.includes(":") ? `[${address}]` : address;
  // The one line on stdout: where the endpoint is (tests read it to find a port chosen with PORT=0).
  console.log(`MCP endpoint: http://${shown}:${port}/mcp (root ${root})`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    app.closeAllConnections();
    app.close(
      () =>
        void handler
          .close()
          .then(() => factory.close())
          .then(() => process.exit(0)),
    );
  });
}
