import type {
  GetPromptResult,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplateType as ResourceTemplate,
} from "@modelcontextprotocol/client";
import { SdkError, SdkErrorCode } from "@modelcontextprotocol/client";
import { message } from "./describe-failure.js";
import { MAX_PAGES, walkPages } from "./mcp-client.js";
import { ToolCallError } from "./server-errors.js";
import type { ServerPool } from "./servers.js";

// What servers offer besides tools — resources, prompts and completions — read through the pool, which restarts a
// server that died and names the running ones when asked for another.

/** A server's prompt, as /help lists it. */
export interface ServerPrompt {
  server: string;
  prompt: Prompt;
}

/** A server's resource, as mcp__list_resources lists it. */
export interface ServerResource {
  server: string;
  resource: Resource;
}

/** Resources listed, and for each server that could not list them all, why (one line each). */
export interface ResourceListing {
  resources: ServerResource[];
  problems: string[];
}

/**
 * Every resource of one server or of all that offer them (`among`: those offered in this run). A named server that
 * cannot list them throws; listing all, such a server is named in `problems` and the others are still listed.
 */
export async function listResources(
  pool: ServerPool,
  server: string | undefined,
  timeoutMs: number,
  among: readonly string[] = pool.offering("resources"),
): Promise<ResourceListing> {
  const names = server === undefined ? among : [server];
  const lists = await Promise.all(
    names.map((name) =>
      serverResources(pool, name, timeoutMs).catch((error: unknown) => {
        if (server !== undefined) throw error;
        return { resources: [], problem: `server "${name}" could not list its resources: ${message(error)}` };
      }),
    ),
  );
  return {
    resources: lists.flatMap((l) => l.resources),
    problems: lists.flatMap((l) => (l.problem ? [l.problem] : [])),
  };
}

/**
 * One server's resources. The SDK refuses a listing of more than MAX_PAGES pages outright, as if its cursor never
 * ended; a server with that many (a big folder) gets the first MAX_PAGES pages, and a problem line saying so.
 */
async function serverResources(
  pool: ServerPool,
  name: string,
  timeoutMs: number,
): Promise<{ resources: ServerResource[]; problem?: string }> {
  const tag = (list: readonly Resource[]) => list.map((resource) => ({ server: name, resource }));
  return pool.request(name, async (client) => {
    if (!client.getServerCapabilities()?.resources) {
      throw new ToolCallError(
        `server "${name}" offers no resources; servers with resources: ${pool.offering("resources").join(", ") || "none"}`,
      );
    }
    const { items: resources, cut } = await pagedList(
      async () => tag((await client.listResources(undefined, { timeout: timeoutMs })).resources),
      async (cursor) => {
        const listed = await client.request(
          { method: "resources/list", params: cursor ? { cursor } : {} },
          { timeout: timeoutMs },
        );
        return { items: tag(listed.resources), nextCursor: listed.nextCursor };
      },
    );
    if (!cut) return { resources };
    const problem = `server "${name}": its resource list went on past ${MAX_PAGES} pages; the first ${resources.length} resources are listed`;
    return { resources, problem };
  });
}

/**
 * A whole list: the SDK's own walk (`all`), or, where the SDK refused it outright as endless past MAX_PAGES pages
 * (a big folder, a large prompt library), the first MAX_PAGES pages walked again with `page`, `cut` set.
 */
async function pagedList<T>(
  all: () => Promise<T[]>,
  page: Parameters<typeof walkPages<T>>[0],
): Promise<{ items: T[]; cut: boolean }> {
  try {
    return { items: await all(), cut: false };
  } catch (error) {
    if (!(error instanceof SdkError && error.code === SdkErrorCode.ListPaginationExceeded)) throw error;
  }
  return walkPages(page);
}

/** A server's resource template (an RFC 6570 URI such as `file:///{path}`), as mcp__list_resources lists it. */
export interface ServerTemplate {
  server: string;
  template: ResourceTemplate;
}

/**
 * The resource templates of the named servers. A server that cannot list them (some answer resources/list only)
 * has none: its resources are still listed.
 */
export async function listResourceTemplates(
  pool: ServerPool,
  servers: readonly string[],
  timeoutMs: number,
): Promise<ServerTemplate[]> {
  const lists = await Promise.all(
    servers.map(async (server) => {
      const { resourceTemplates } = await pool
        .request(server, (client) => client.listResourceTemplates(undefined, { timeout: timeoutMs }))
        .catch(() => ({ resourceTemplates: [] }));
      return resourceTemplates.map((template) => ({ server, template }));
    }),
  );
  return lists.flat();
}

/** resources/read on one server; a failure becomes a ToolCallError naming the URI. */
export async function readResource(
  pool: ServerPool,
  server: string,
  uri: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ReadResourceResult> {
  try {
    return await pool.request(server, (client) => client.readResource({ uri }, { timeout: timeoutMs, signal }));
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ToolCallError(`server "${server}" could not read ${uri}: ${message(error)}`);
  }
}

/**
 * Every prompt of every running server that offers them (for /help, the REPL and --list-tools). A server whose list
 * goes on past MAX_PAGES pages keeps its first MAX_PAGES pages' prompts, and `notice` is told so in one line.
 */
export async function listPrompts(
  pool: ServerPool,
  timeoutMs: number,
  notice: (line: string) => void = () => {},
): Promise<ServerPrompt[]> {
  const lists = await Promise.all(
    pool.offering("prompts").map(async (server) => {
      const tag = (list: readonly Prompt[]) => list.map((prompt) => ({ server, prompt }));
      const listed = await pool
        .request(server, (client) =>
          pagedList(
            async () => tag((await client.listPrompts(undefined, { timeout: timeoutMs })).prompts),
            async (cursor) => {
              const page = await client.request(
                { method: "prompts/list", params: cursor ? { cursor } : {} },
                { timeout: timeoutMs },
              );
              return { items: tag(page.prompts), nextCursor: page.nextCursor };
            },
          ),
        )
        .catch(() => ({ items: [], cut: false }));
      if (listed.cut) {
        notice(
          `server "${server}": its prompt list went on past ${MAX_PAGES} pages; the first ${listed.items.length} prompts are offered`,
        );
      }
      return listed.items;
    }),
  );
  return lists.flat();
}

/** prompts/get on one server. */
export async function getPrompt(
  pool: ServerPool,
  server: string,
  name: string,
  args: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<GetPromptResult> {
  return pool.request(server, (client) =>
    client.getPrompt({ name, arguments: args }, { timeout: timeoutMs, ...(signal ? { signal } : {}) }),
  );
}

/** completion/complete for a prompt argument; [] when the server offers no completions. */
export async function complete(
  pool: ServerPool,
  server: string,
  prompt: string,
  arg: string,
  value: string,
  timeoutMs: number,
  /** The prompt's other arguments as typed so far, for a server whose values for `arg` depend on them. */
  context: Record<string, string> = {},
): Promise<string[]> {
  return pool.request(server, async (client) => {
    if (!client.getServerCapabilities()?.completions) return [];
    const result = await client.complete(
      {
        ref: { type: "ref/prompt", name: prompt },
        argument: { name: arg, value },
        ...(Object.keys(context).length > 0 ? { context: { arguments: context } } : {}),
      },
      { timeout: timeoutMs },
    );
    return result.completion.values;
  });
}
