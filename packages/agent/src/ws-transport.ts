import type { JSONRPCMessage, Transport } from "@modelcontextprotocol/client";
import { parseJSONRPCMessage } from "@modelcontextprotocol/client";
import type { Agent, WebSocket as UndiciWebSocket } from "undici";
import { watchHandshake } from "./handshake-watch.js";
import { MAX_MESSAGE_BYTES } from "./message-cap.js";

/** The WebSocket subprotocol MCP servers speak (the v1 TypeScript SDK's and the Python SDK's). */
export const MCP_SUBPROTOCOL = "mcp";

/**
 * MCP over a WebSocket (`ws://`, `wss://`): one JSON-RPC message per text frame, subprotocol `mcp`, as older SDKs and
 * the Python SDK serve it. No current revision defines this transport, and the SDK v2 ships no client for it, so this
 * small one runs over undici's WebSocket (Node 20 has no global one), loaded only when such a server is configured.
 */
export class WebSocketClientTransport implements Transport {
  private socket: UndiciWebSocket | undefined;
  private dispatcher: Agent | undefined;
  private closed = false;
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: ((message: JSONRPCMessage) => void) | undefined;

  constructor(
    private readonly url: URL,
    private readonly headers: Record<string, string> = {},
  ) {}

  /** Open the socket; rejects with the reason when the handshake fails. */
  async start(): Promise<void> {
    if (this.socket) throw new Error("WebSocketClientTransport already started");
    const undici = await import("undici");
    // A message over the cap (undici's own default is 128 MiB) fails the connection (close code 1009) instead of
    // filling memory.
    this.dispatcher = new undici.Agent({ webSocket: { maxPayloadSize: MAX_MESSAGE_BYTES } });
    const handshake = watchHandshake(this.dispatcher);
    const socket = new undici.WebSocket(this.url, {
      protocols: [MCP_SUBPROTOCOL],
      headers: this.headers,
      dispatcher: handshake.dispatcher,
    });
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      let open = false;
      socket.onopen = () => {
        open = true;
        resolve();
      };
      socket.onerror = (event) => {
        const reason = (open ? undefined : handshake.failure()) ?? describe(event);
        const error = new Error(`WebSocket ${this.url.origin}: ${reason}`);
        if (open) this.onerror?.(error);
        else reject(error);
      };
      socket.onclose = (event) => {
        if (!open) reject(new Error(`WebSocket ${this.url.origin} closed during the handshake (code ${event.code})`));
        this.finish();
      };
      socket.onmessage = (event) => this.receive(event.data);
    });
  }

  private receive(data: unknown): void {
    const text = typeof data === "string" ? data : new TextDecoder().decode(data as ArrayBuffer);
    let message: JSONRPCMessage;
    try {
      message = parseJSONRPCMessage(JSON.parse(text));
    } catch (error) {
      this.onerror?.(new Error(`WebSocket ${this.url.origin} sent a message that is not JSON-RPC: ${String(error)}`));
      return;
    }
    this.onmessage?.(message);
  }

  /** Send one message as one text frame. */
  async send(message: JSONRPCMessage): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.readyState !== socket.OPEN) throw new Error(`WebSocket ${this.url.origin} is not open`);
    socket.send(JSON.stringify(message));
  }

  /** Close the socket; onclose fires once. */
  async close(): Promise<void> {
    this.socket?.close(1000);
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.dispatcher?.close().catch(() => {});
    this.onclose?.();
  }
}

/** An error event's message, when the runtime gives one. */
function describe(event: unknown): string {
  const inner = (event as { error?: unknown; message?: unknown } | null) ?? {};
  if (inner.error instanceof Error && inner.error.message) return inner.error.message;
  return typeof inner.message === "string" && inner.message ? inner.message : "connection failed";
}
