// Resources: what a client can attach as context. A fixed URI, or a URI template over many (files, tables), each
// defined once per server like tools. `resources/list` is served by core, in pages, so a template that lists many
// items never sends them in one answer.
import {
  type McpServer,
  ProtocolError,
  ProtocolErrorCode,
  type ReadResourceResult,
  type Resource,
  ResourceTemplate,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { type Completer, sdkCompleter } from "./prompt.js";
import { decodeCursor, encodeCursor, type ListPosition } from "./resource-cursor.js";
import { thrownRefusal } from "./results.js";
import type { ToolStats } from "./tool-stats.js";
import { explainUnknownResources } from "./unknown-resource.js";

/** Resources per `resources/list` page; a client follows `nextCursor` for the rest. */
export const RESOURCE_PAGE_SIZE = 100;

/** A resource at one fixed URI. */
export interface ResourceDefinition {
  name: string;
  title: string;
  description: string;
  uri: string;
  mimeType: string;
  read(uri: URL): Promise<ReadResourceResult>;
}

/** Many resources behind one URI template (`file:///{+path}`, `sqlite://table/{name}`). */
export interface ResourceTemplateDefinition {
  name: string;
  title: string;
  description: string;
  uriTemplate: string;
  mimeType?: string;
  /** The resources to list, in a stable order, bounded by the server's own caps (paged by offset: see `page`). */
  list?(): Promise<Resource[]>;
  /**
   * At most `limit` of the resources, in a stable order, after the position `after` (undefined: from the start), and
   * the position after the last of them when more may follow. Each page costs what its own items cost, and an item
   * there throughout is never repeated nor skipped whatever changes between pages. Throw a `resourceError` for a
   * position that no longer means anything (stale).
   */
  page?(after: string | undefined, limit: number): Promise<{ resources: Resource[]; after?: string }>;
  /** Completers for the template's variables. */
  complete?: Record<string, Completer>;
  /**
   * Read one; the variables are as they appear in the URI (still percent-encoded). Throw for a bad one. `request.signal`
   * aborts when the client cancels the read or goes away: a slow read stops then.
   */
  read(
    uri: URL,
    variables: Readonly<Record<string, string>>,
    request: { signal: AbortSignal },
  ): Promise<ReadResourceResult>;
}

/** A server's resources: fixed ones and templates. */
export interface ResourceSet {
  resources?: readonly ResourceDefinition[];
  templates?: readonly ResourceTemplateDefinition[];
}

/**
 * A "resource not found / not readable" error for the client, with the reason; `refusal` names the policy that refused
 * the read, if one did (`sandbox`, `hidden`, `size`), for the stats resource to count as it counts tools' refusals.
 * A read that ran out of time is no fault of the URI asked for: it is an internal error (-32603), not invalid params.
 */
export function resourceError(message: string, refusal?: string): ProtocolError {
  const code = refusal === "timeout" ? ProtocolErrorCode.InternalError : ProtocolErrorCode.InvalidParams;
  const error = new ProtocolError(code, message);
  return refusal ? Object.assign(error, { refusal }) : error;
}

/** Run a read; a thrown refusal (an error with a `refusal` cause word, as tools' are) is counted in `stats`. */
async function counted<T>(stats: ToolStats | undefined, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const cause = thrownRefusal(error);
    if (stats && cause !== undefined) stats.recordRefusal(cause);
    throw error;
  }
}

/** A template's pages: its own, or its whole `list` paged by offset. */
function pagesOf(t: ResourceTemplateDefinition): ResourceTemplateDefinition["page"] {
  if (t.page) return (after, limit) => (t.page as NonNullable<typeof t.page>)(after, limit);
  const list = t.list;
  if (!list) return undefined;
  return async (after, limit) => {
    const offset = after === undefined ? 0 : Number(after);
    if (!Number.isSafeInteger(offset) || offset < 0) throw resourceError("Invalid cursor: not a position in this list");
    const all = await list();
    const next = offset + limit;
    return { resources: all.slice(offset, next), ...(next < all.length ? { after: String(next) } : {}) };
  };
}

function positionOf(cursor: string | undefined): ListPosition | undefined {
  if (cursor === undefined) return undefined;
  try {
    return decodeCursor(cursor);
  } catch (error) {
    throw resourceError((error as Error).message);
  }
}

/**
 * Register `set` on `server` (those in `allowed`, when given), with core's paginated `resources/list`; reads refused
 * by a policy are counted in `stats`.
 */
export function registerResources(
  server: McpServer,
  set: ResourceSet,
  allowed?: ReadonlySet<string>,
  stats?: ToolStats,
): void {
  const may = (name: string) => !allowed || allowed.has(name);
  const fixed = (set.resources ?? []).filter((r) => may(r.name));
  const templates = (set.templates ?? []).filter((t) => may(t.name));
  if (fixed.length === 0 && templates.length === 0) return;
  for (const r of fixed) {
    server.registerResource(
      r.name,
      r.uri,
      { title: r.title, description: r.description, mimeType: r.mimeType },
      (uri: URL) => counted(stats, () => r.read(uri)),
    );
  }
  for (const t of templates) {
    const complete = Object.fromEntries(Object.entries(t.complete ?? {}).map(([k, c]) => [k, sdkCompleter(c)]));
    server.registerResource(
      t.name,
      new ResourceTemplate(t.uriTemplate, { list: undefined, complete }),
      { title: t.title, description: t.description, ...(t.mimeType ? { mimeType: t.mimeType } : {}) },
      (uri: URL, variables: Record<string, string | string[]>, ctx: ServerContext) =>
        counted(stats, () =>
          t.read(
            uri,
            Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : v])),
            { signal: ctx.mcpReq.signal },
          ),
        ),
    );
  }
  explainUnknownResources(
    server,
    fixed.map((r) => r.uri),
    templates.map((t) => t.uriTemplate),
  );
  const listed = templates.flatMap((t) => {
    const page = pagesOf(t);
    return page ? [{ name: t.name, page }] : [];
  });
  // After the first registration (which installs the SDK's handler, whose list has no pages): ours.
  server.server.setRequestHandler("resources/list", async (request) => {
    const at = positionOf(request.params?.cursor);
    const resources: Resource[] =
      at === undefined
        ? fixed.map((r) => ({
            uri: r.uri,
            name: r.name,
            title: r.title,
            description: r.description,
            mimeType: r.mimeType,
          }))
        : [];
    const start = at === undefined ? 0 : listed.findIndex((l) => l.name === at.source);
    if (start < 0) throw resourceError(`Invalid cursor: this server lists no "${at?.source}"; list again without one`);
    let after = at?.after;
    for (const { name, page } of listed.slice(start)) {
      const room = RESOURCE_PAGE_SIZE - resources.length;
      // "" is the start of a template's list (a position is never empty).
      if (room <= 0) return { resources, nextCursor: encodeCursor({ source: name, after: after ?? "" }) };
      const got = await page(after === "" ? undefined : after, room);
      resources.push(...got.resources);
      if (got.after !== undefined) return { resources, nextCursor: encodeCursor({ source: name, after: got.after }) };
      after = undefined;
    }
    return { resources };
  });
}
