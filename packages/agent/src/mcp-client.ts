import { MODERN_PROTOCOL_VERSION, packageVersion } from "@mcp-toolkit/core";
import { Client, type ClientCapabilities, SdkError, SdkErrorCode, type Tool } from "@modelcontextprotocol/client";
import { z } from "zod";

/** Which protocol era a connection spoke, for --verbose: "modern" (2026-07-28) or "legacy" (2025 initialize). */
export type Era = "modern" | "legacy";

/** How a client connects: our own servers are known to speak 2026-07-28; anything else is negotiated. */
export type Negotiation = "pinned" | "auto";

/** The most pages of one list the agent walks (a server whose cursor never converges is cut off there). */
export const MAX_PAGES = 100;

/**
 * The official SDK v2 client, configured as the agent uses it. `pinned` connects in the modern era with no probe
 * (so no round trip and no extra spawn); `auto` probes with server/discover and falls back to the 2025 handshake.
 */
export function createClient(negotiation: Negotiation, capabilities: ClientCapabilities = {}): Client {
  return new Client(
    { name: "mcp-agent", version: packageVersion(import.meta.url) },
    {
      capabilities,
      versionNegotiation: negotiation === "pinned" ? { mode: { pin: MODERN_PROTOCOL_VERSION } } : { mode: "auto" },
      listMaxPages: MAX_PAGES,
    },
  );
}

/** The connection's era, once connected. */
export function eraOf(client: Client): Era {
  return client.getProtocolEra() === "modern" ? "modern" : "legacy";
}

/** Did a request fail because the connection went away (not a server's answer)? */
export function isConnectionLost(error: unknown): boolean {
  return (
    error instanceof SdkError &&
    (error.code === SdkErrorCode.ConnectionClosed ||
      error.code === SdkErrorCode.NotConnected ||
      error.code === SdkErrorCode.SendFailed)
  );
}

/** Did a request time out? */
export function isTimeout(error: unknown): boolean {
  return error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout;
}

const LoosePage = z.looseObject({ tools: z.array(z.unknown()).optional(), nextCursor: z.string().optional() });

/**
 * Every tool a server lists (`cut` when it still had more after MAX_PAGES pages). The SDK validates the whole
 * listing and refuses an endless one, so one malformed tool or a runaway cursor would lose every tool: then the
 * pages are walked again without those checks, and the caller leaves the malformed ones out.
 */
export async function listAllTools(client: Client, timeoutMs: number): Promise<{ tools: unknown[]; cut: boolean }> {
  try {
    return { tools: (await client.listTools(undefined, { timeout: timeoutMs })).tools, cut: false };
  } catch (error) {
    const recoverable = [SdkErrorCode.InvalidResult, SdkErrorCode.ListPaginationExceeded] as string[];
    if (!(error instanceof SdkError) || !recoverable.includes(error.code)) throw error;
  }
  const tools: unknown[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const listed = await client.request({ method: "tools/list", params: cursor ? { cursor } : {} }, LoosePage, {
      timeout: timeoutMs,
    });
    tools.push(...(listed.tools ?? []));
    cursor = listed.nextCursor;
    if (!cursor) return { tools, cut: false };
  }
  return { tools, cut: true };
}

/** A listed tool the Messages API will accept (an object input schema), or undefined. */
export function usableTool(t: unknown): Tool | undefined {
  const tool = t as Partial<Tool> | undefined;
  const schema = tool?.inputSchema as { type?: unknown } | undefined;
  return typeof tool?.name === "string" && typeof schema === "object" && schema?.type === "object"
    ? (tool as Tool)
    : undefined;
}
