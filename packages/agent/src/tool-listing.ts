// A server's tools as the agent offers them to the model: every page listed, a listing the SDK refuses walked again
// loosely, and each tool checked so one the Messages API would refuse is left out with a notice.
import { type Client, SdkError, SdkErrorCode, type Tool } from "@modelcontextprotocol/client";
import { z } from "zod";
import { MAX_PAGES, walkPages } from "./mcp-client.js";
import { type MetaSchemaCheck, toolSchemaProblem } from "./tool-schema-policy.js";

const LoosePage = z.looseObject({ tools: z.array(z.unknown()).optional(), nextCursor: z.string().optional() });

/**
 * Every tool a server lists (`cut` when it still had more after MAX_PAGES pages). The SDK validates the whole
 * listing and refuses an endless one, so one malformed tool or a runaway cursor would lose every tool: then the
 * pages are walked again without those checks, and the caller leaves the malformed ones out.
 */
export async function listAllTools(
  client: Client,
  timeoutMs: number,
  fresh = false,
): Promise<{ tools: unknown[]; cut: boolean }> {
  try {
    // After a change signal the list is fetched again whatever the server's cache hint said.
    const options = { timeout: timeoutMs, ...(fresh ? { cacheMode: "refresh" as const } : {}) };
    return { tools: (await client.listTools(undefined, options)).tools, cut: false };
  } catch (error) {
    const recoverable = [SdkErrorCode.InvalidResult, SdkErrorCode.ListPaginationExceeded] as string[];
    if (!(error instanceof SdkError) || !recoverable.includes(error.code)) throw error;
  }
  const { items, cut } = await walkPages(async (cursor) => {
    const listed = await client.request({ method: "tools/list", params: cursor ? { cursor } : {} }, LoosePage, {
      timeout: timeoutMs,
    });
    return { items: listed.tools ?? [], nextCursor: listed.nextCursor };
  });
  return { tools: items, cut };
}

/** A tool as a server listed it, tagged with its server. */
export interface ServerTool {
  server: string;
  name: string;
  description?: string | undefined;
  inputSchema: Tool["inputSchema"];
  annotations?: Tool["annotations"];
}

/**
 * A server's tools, each checked: one the Messages API would refuse is left out with a notice. `check` also holds
 * each schema to JSON Schema 2020-12 (a server that is not ours).
 */
export async function serverTools(
  client: Client,
  server: string,
  timeoutMs: number,
  onNotice?: (message: string) => void,
  fresh = false,
  check?: MetaSchemaCheck,
): Promise<ServerTool[]> {
  const listing = await listAllTools(client, timeoutMs, fresh);
  if (listing.cut) {
    onNotice?.(
      `server "${server}": its tool list still went on after ${MAX_PAGES} pages; the tools listed so far are offered`,
    );
  }
  const tools: ServerTool[] = [];
  for (const listed of listing.tools) {
    // The Messages API refuses the whole request over one malformed tool: leave such a tool out.
    const problem = toolSchemaProblem(listed, check);
    if (problem) {
      const name = (listed as { name?: unknown } | undefined)?.name;
      onNotice?.(`server "${server}": tool ${JSON.stringify(String(name)).slice(0, 80)} left out: ${problem}`);
      continue;
    }
    const t = listed as Tool;
    tools.push({
      server,
      name: t.name,
      description: t.description,
      inputSchema: t.inputSchema,
      annotations: t.annotations,
    });
  }
  return tools;
}
