import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { type ClientKind, connectClient } from "../../core/test/clients.js";
import { createHttpServerFactory, type HttpServerOptions } from "../src/server.js";

/** What the local upstream saw of one request. */
export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  remotePort: number | undefined;
}

/** A real HTTP server on 127.0.0.1 (or ::1) that records every request and every connection. */
export interface Upstream {
  origin: string;
  port: number;
  seen: Seen[];
  /** Connections opened to this server, and how many of them have closed since. */
  connections: number;
  closed: number;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export async function startUpstream(handler: Handler, host = "127.0.0.1"): Promise<Upstream> {
  const seen: Seen[] = [];
  let connections = 0;
  let closed = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body,
        remotePort: req.socket.remotePort,
      });
      handler(req, res, body);
    });
  });
  server.on("connection", (socket) => {
    connections++;
    socket.on("close", () => {
      closed++;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    origin,
    port,
    seen,
    get connections() {
      return connections;
    },
    get closed() {
      return closed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A real SDK client (2026-07-28 unless `kind` says otherwise) connected in-process to a fresh server. */
export async function connect(options: HttpServerOptions = {}, kind: ClientKind = "modern") {
  const factory = createHttpServerFactory(options);
  const client = await connectClient(factory, kind);
  const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args });
  return {
    client,
    call,
    close: async () => {
      await client.close();
      await factory.close();
    },
  };
}

/** The text of a tool result. */
export function text(result: CallToolResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join("");
}
