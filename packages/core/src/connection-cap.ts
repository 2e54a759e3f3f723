// How many connections one address may hold open. A connection takes a file descriptor from its first byte, long
// before a token is read, and Node keeps one whose headers never finish until its header timeout (60 s, checked every
// 30 s): a client opening 1,100 connections and sending half a request on each left a process with 1024 descriptors
// (systemd's default) none to accept with, so every other client's connection was closed unanswered, and the tools'
// own files could not be opened either, for as long as it kept them coming. Past the cap a new connection from that
// address is answered 429 and closed at once; the proxies named by --trust-proxy carry every client, and are not
// counted (each client behind them is, by nginx in front).
import type { Server, Socket } from "node:net";
import { LogRepeats } from "./log-repeats.js";
import type { Logger } from "./logger.js";

/** Connections open per address, each taken as it opens and released as it closes. Pure: no socket is touched. */
export class AddressConnections {
  readonly #open = new Map<string, number>();

  constructor(readonly limit: number) {}

  /** Count a new connection from `address`; false, counting nothing, when it already holds `limit`. */
  take(address: string): boolean {
    const open = this.#open.get(address) ?? 0;
    if (open >= this.limit) return false;
    this.#open.set(address, open + 1);
    return true;
  }

  /** Forget one connection of `address` (an address with none left is dropped, so the map holds only open ones). */
  release(address: string): void {
    const open = (this.#open.get(address) ?? 0) - 1;
    if (open > 0) this.#open.set(address, open);
    else this.#open.delete(address);
  }
}

/** The refusal's message: which address, the cap, and what the client can do. */
export function tooManyConnectionsReason(address: string, limit: number, trustProxy: string): string {
  return `Too many connections: ${address} has ${limit} open to this server, the most one address may hold; reuse keep-alive connections or close idle ones (a reverse proxy in front, whose connections carry many clients, is not counted once named by ${trustProxy})`;
}

/** What the cap needs besides the server: the limit, which peers are proxies, the log, the flag naming them. */
export interface ConnectionCapOptions {
  limit: number;
  /** Whether a peer address is a trusted proxy, whose connections are not counted. */
  trusted: (address: string) => boolean;
  logger: Logger;
  /** How the trusted-proxy setting is named to this server's users (`--trust-proxy ADDR (MCP_TRUST_PROXY)`). */
  trustProxy: string;
  /** A TLS server's raw connection cannot carry a plain answer: it is closed without one. */
  tls: boolean;
}

/**
 * Hold each address of `server` to `limit` open connections; one more is answered 429 (plain HTTP) and closed, never
 * reaching the server's HTTP or TLS layer, which would parse what the client sends and answer it on a closed socket.
 * Call it before listening: the connection listeners the server has then are the ones gated.
 */
export function capConnections(server: Server, options: ConnectionCapOptions): void {
  const open = new AddressConnections(options.limit);
  // A flood is one line a minute per address, the next one counting those left out.
  const repeats = new LogRepeats();
  const layers = server.listeners("connection") as ((socket: Socket) => void)[];
  server.removeAllListeners("connection");
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress;
    const counted = address !== undefined && !options.trusted(address);
    if (!counted || open.take(address)) {
      if (counted) socket.once("close", () => open.release(address));
      for (const layer of layers) layer.call(server, socket);
      return;
    }
    const reason = tooManyConnectionsReason(address, options.limit, options.trustProxy);
    const line = repeats.pass(address, `refused a connection from ${address}: HTTP 429: ${reason.split(";")[0]}`);
    if (line !== undefined) options.logger.warn(line);
    if (options.tls) return void socket.destroy();
    const body = JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32000, message: reason } });
    // What the client sends meanwhile is read and dropped, so closing does not reset the answer away.
    socket.resume();
    socket.on("error", () => socket.destroy());
    socket.end(
      `HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      () => socket.destroy(),
    );
  });
}
