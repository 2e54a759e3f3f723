import type { Client, Prompt, Resource } from "@modelcontextprotocol/client";
import { SdkError, SdkErrorCode } from "@modelcontextprotocol/client";
import { walkPages } from "./mcp-client.js";

/**
 * A server's whole list of resources or prompts: the SDK's own walk, or, where the SDK refused it outright as endless
 * past MAX_PAGES pages (a big folder, a large prompt library), the first MAX_PAGES pages walked again, `cut` set.
 */
export async function listWhole(
  client: Client,
  kind: "resources",
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ items: Resource[]; cut: boolean }>;
export async function listWhole(
  client: Client,
  kind: "prompts",
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ items: Prompt[]; cut: boolean }>;
export async function listWhole(
  client: Client,
  kind: "resources" | "prompts",
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ items: (Resource | Prompt)[]; cut: boolean }> {
  const options = { timeout: timeoutMs, signal };
  try {
    const items =
      kind === "resources"
        ? (await client.listResources(undefined, options)).resources
        : (await client.listPrompts(undefined, options)).prompts;
    return { items, cut: false };
  } catch (error) {
    if (!(error instanceof SdkError && error.code === SdkErrorCode.ListPaginationExceeded)) throw error;
  }
  return walkPages<Resource | Prompt>(async (cursor) => {
    const params = cursor ? { cursor } : {};
    if (kind === "resources") {
      const page = await client.request({ method: "resources/list", params }, options);
      return { items: page.resources, nextCursor: page.nextCursor };
    }
    const page = await client.request({ method: "prompts/list", params }, options);
    return { items: page.prompts, nextCursor: page.nextCursor };
  });
}
