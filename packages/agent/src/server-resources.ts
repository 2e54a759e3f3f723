import type {
  ReadResourceResult,
  Resource,
  ResourceTemplateType as ResourceTemplate,
} from "@modelcontextprotocol/client";
import { message } from "./describe-failure.js";
import { MAX_PAGES } from "./mcp-client.js";
import { ToolCallError } from "./server-errors.js";
import type { ServerPool } from "./servers.js";
import { listWhole } from "./whole-list.js";

// The resources servers offer, read through the pool, which restarts a server that died and names the running ones
// when asked for another.

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
 * `signal` (the turn's: Ctrl-C) stops the listing.
 */
export async function listResources(
  pool: ServerPool,
  server: string | undefined,
  timeoutMs: number,
  among: readonly string[] = pool.offering("resources"),
  signal?: AbortSignal,
): Promise<ResourceListing> {
  const names = server === undefined ? among : [server];
  const lists = await Promise.all(
    names.map((name) =>
      serverResources(pool, name, timeoutMs, signal).catch((error: unknown) => {
        if (server !== undefined || signal?.aborted) throw error;
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
  signal: AbortSignal | undefined,
): Promise<{ resources: ServerResource[]; problem?: string }> {
  return pool.request(name, async (client) => {
    if (!client.getServerCapabilities()?.resources) {
      throw new ToolCallError(
        `server "${name}" offers no resources; servers with resources: ${pool.offering("resources").join(", ") || "none"}`,
      );
    }
    const { items, cut } = await listWhole(client, "resources", timeoutMs, signal);
    const resources = items.map((resource) => ({ server: name, resource }));
    if (!cut) return { resources };
    const problem = `server "${name}": its resource list went on past ${MAX_PAGES} pages; the first ${resources.length} resources are listed`;
    return { resources, problem };
  });
}

/** A server's resource template (an RFC 6570 URI such as `file:///{path}`), as mcp__list_resources lists it. */
export interface ServerTemplate {
  server: string;
  template: ResourceTemplate;
}

/**
 * The resource templates of the named servers. A server that cannot list them (some answer resources/list only)
 * has none: its resources are still listed. `signal` stops the listing.
 */
export async function listResourceTemplates(
  pool: ServerPool,
  servers: readonly string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ServerTemplate[]> {
  const lists = await Promise.all(
    servers.map(async (server) => {
      const { resourceTemplates } = await pool
        .request(server, (client) => client.listResourceTemplates(undefined, { timeout: timeoutMs, signal }))
        .catch((error: unknown) => {
          if (signal?.aborted) throw error;
          return { resourceTemplates: [] };
        });
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
