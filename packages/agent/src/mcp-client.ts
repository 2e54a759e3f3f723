import { LATEST_LEGACY_PROTOCOL_VERSION, packageVersion } from "@mcp-toolkit/core";
import type { CallToolResult, JSONRPCMessage, Tool, Transport } from "@modelcontextprotocol/client";
import { traceMeta } from "./telemetry.js";

/** The protocol version we ask for; servers answer with the one they speak. */
export const PROTOCOL_VERSION = LATEST_LEGACY_PROTOCOL_VERSION;

/** A JSON-RPC error answer from a server, or a local failure (timeout, closed connection). */
export class RpcError extends Error {
  override name = "RpcError";
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Error codes the agent tells apart. */
export const RPC = { connectionClosed: -32000, timeout: -32001, methodNotFound: -32601 } as const;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * The few MCP client requests the agent needs (initialize, tools/list, tools/call, cancellation) over
 * any SDK Transport. The SDK's Client builds zod and Ajv validators at import and per tool, which
 * costs the agent's start-up more than the servers' whole handshake; tool results go to the model
 * as they are, so that validation buys the agent nothing.
 */
export class McpClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;
  /** What the server said about itself at initialize. */
  server: { capabilities: { tools?: object }; instructions?: string; name?: string } = { capabilities: {} };
  /** Called once when the connection ends, whoever ended it. */
  onclose: (() => void) | undefined;

  constructor(private readonly transport: Transport) {
    transport.onmessage = (message) => this.onMessage(message);
    transport.onclose = () => this.onClosed();
    transport.onerror = () => {};
  }

  /** Start the transport and run the initialize handshake. */
  async connect(timeoutMs: number): Promise<void> {
    await this.transport.start();
    const result = (await this.request(
      "initialize",
      {
        protocolVersion: PROTOCOL_VERSION,
        capabilities: {},
        clientInfo: { name: "mcp-agent", version: packageVersion(import.meta.url) },
      },
      timeoutMs,
    )) as {
      protocolVersion: string;
      capabilities?: { tools?: object };
      instructions?: string;
      serverInfo?: { name?: string };
    };
    this.transport.setProtocolVersion?.(result.protocolVersion);
    this.server = {
      capabilities: result.capabilities ?? {},
      ...(result.instructions ? { instructions: result.instructions } : {}),
      ...(result.serverInfo?.name ? { name: result.serverInfo.name } : {}),
    };
    await this.transport.send({ jsonrpc: "2.0", method: "notifications/initialized" });
  }

  /** One page of tools/list. */
  async listTools(cursor: string | undefined, timeoutMs: number): Promise<{ tools: Tool[]; nextCursor?: string }> {
    return (await this.request("tools/list", cursor ? { cursor } : {}, timeoutMs)) as {
      tools: Tool[];
      nextCursor?: string;
    };
  }

  /** tools/call; on timeout or abort the server is sent notifications/cancelled. */
  async callTool(
    name: string,
    args: Record<string, unknown>,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<CallToolResult> {
    // The trace context of the agent's tool-call span, so the server's span joins the trace (telemetry.ts).
    const meta = traceMeta();
    const params = { name, arguments: args, ...(Object.keys(meta).length > 0 ? { _meta: meta } : {}) };
    return (await this.request("tools/call", params, timeoutMs, signal)) as CallToolResult;
  }

  /** Close the transport (and with it the server process). */
  async close(): Promise<void> {
    await this.transport.close();
    this.onClosed();
  }

  private request(method: string, params: object, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
    if (this.closed) return Promise.reject(new RpcError(RPC.connectionClosed, "Connection closed"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const cancel = (reason: string) => {
        this.pending.delete(id);
        signal?.removeEventListener("abort", onAbort);
        this.transport
          .send({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: id, reason } })
          .catch(() => {});
      };
      const timer = setTimeout(() => {
        cancel("timeout");
        reject(new RpcError(RPC.timeout, `Request timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const onAbort = () => {
        clearTimeout(timer);
        cancel("aborted");
        reject(new RpcError(RPC.connectionClosed, "aborted"));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.pending.set(id, {
        resolve: (value) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(value);
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
        timer,
      });
      this.transport.send({ jsonrpc: "2.0", id, method, params } as JSONRPCMessage).catch((error: Error) => {
        const pending = this.pending.get(id);
        if (!pending) return;
        this.pending.delete(id);
        clearTimeout(timer);
        pending.reject(new RpcError(RPC.connectionClosed, error.message));
      });
    });
  }

  private onMessage(message: JSONRPCMessage): void {
    const m = message as {
      id?: number | string;
      method?: string;
      result?: unknown;
      error?: { code: number; message: string };
    };
    if (m.method !== undefined) {
      // A request from the server: answer ping, refuse the rest (we offer no client capabilities).
      if (m.id === undefined) return;
      const reply: JSONRPCMessage =
        m.method === "ping"
          ? { jsonrpc: "2.0", id: m.id, result: {} }
          : { jsonrpc: "2.0", id: m.id, error: { code: RPC.methodNotFound, message: `unsupported: ${m.method}` } };
      this.transport.send(reply).catch(() => {});
      return;
    }
    const pending = typeof m.id === "number" ? this.pending.get(m.id) : undefined;
    if (!pending) return;
    this.pending.delete(m.id as number);
    clearTimeout(pending.timer);
    if (m.error) pending.reject(new RpcError(m.error.code, m.error.message));
    else pending.resolve(m.result);
  }

  private onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new RpcError(RPC.connectionClosed, "Connection closed"));
    }
    this.pending.clear();
    this.onclose?.();
  }
}
