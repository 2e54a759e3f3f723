import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage, MessageExtraInfo, RequestId } from "@modelcontextprotocol/sdk/types.js";

interface Pending {
  originalId: RequestId;
  resolve: (message: JSONRPCMessage) => void;
}

/**
 * A transport that lets one long-lived server answer stateless HTTP requests from many clients at once.
 * Each incoming request gets a fresh internal id, so ids from different clients never collide, and its
 * response is routed back to the HTTP exchange that carried it. Server-initiated messages (notifications,
 * sampling) have no open stream in stateless mode and are dropped.
 */
export class StatelessMultiplexTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  #nextId = 1;
  readonly #pending = new Map<string, Pending>();
  #closed = false;

  async start(): Promise<void> {}

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending.clear();
    this.onclose?.();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (!("id" in message) || !("result" in message || "error" in message)) return;
    const key = String(message.id);
    const pending = this.#pending.get(key);
    if (!pending) return;
    this.#pending.delete(key);
    pending.resolve({ ...message, id: pending.originalId } as JSONRPCMessage);
  }

  /**
   * Deliver one HTTP body's messages and resolve with the responses to its requests, in order.
   * `signal` aborting (the client went away) cancels the requests still running and answers them as cancelled.
   */
  async dispatch(
    messages: readonly JSONRPCMessage[],
    extra?: MessageExtraInfo,
    signal?: AbortSignal,
  ): Promise<JSONRPCMessage[]> {
    if (this.#closed) throw new Error("transport closed");
    const waits: Promise<JSONRPCMessage>[] = [];
    const inFlight: string[] = [];
    for (const message of messages) {
      if ("method" in message && "id" in message) {
        const key = `s${this.#nextId++}`;
        inFlight.push(key);
        waits.push(new Promise((resolve) => this.#pending.set(key, { originalId: message.id, resolve })));
        this.onmessage?.({ ...message, id: key }, extra);
      } else if ("method" in message) {
        // Cancellation ids refer to the client's own numbering, which is ambiguous here; disconnects cancel instead.
        if (message.method !== "notifications/cancelled") this.onmessage?.(message, extra);
      }
    }
    const onAbort = () => {
      for (const key of inFlight) {
        const pending = this.#pending.get(key);
        if (!pending) continue;
        this.#pending.delete(key);
        pending.resolve({
          jsonrpc: "2.0",
          id: pending.originalId,
          error: { code: -32800, message: "Request cancelled: client disconnected" },
        });
        this.onmessage?.({
          jsonrpc: "2.0",
          method: "notifications/cancelled",
          params: { requestId: key, reason: "client disconnected" },
        });
      }
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await Promise.all(waits);
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }
}
