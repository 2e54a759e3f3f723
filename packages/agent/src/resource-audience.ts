// Who an attached resource is for. resources/read gives contents without annotations (the SDK's schema has none):
// the audience a server gives a resource is in its listing, on the resource (resources/list) or on the template its
// URI matches (resources/templates/list). content-audience.ts's rule then applies, as to a tool result's content.
import { UriTemplate } from "@modelcontextprotocol/client";
import { type Audience, audienceOf } from "./content-audience.js";
import { listResources, listResourceTemplates } from "./server-resources.js";
import type { ServerPool } from "./servers.js";

/**
 * The audience of each resource a server lists, asked once per server: `audienceFor(server, uri)`. A server that
 * cannot list them, or a URI it does not list, gives "both", as content with no annotation does. `signal` (the
 * turn's) stops the listing: a slow list must not hold up Ctrl-C.
 */
export function listedAudiences(pool: ServerPool, timeoutMs: number, signal?: AbortSignal) {
  const listings = new Map<string, Promise<Listing>>();
  return async (server: string, uri: string): Promise<Audience> => {
    let listing = listings.get(server);
    if (!listing) {
      listing = listingOf(pool, server, timeoutMs, signal);
      listings.set(server, listing);
    }
    const { resources, templates } = await listing;
    const listed = resources.find((r) => r.uri === uri);
    if (listed) return audienceOf(listed);
    const template = templates.find((t) => matches(t.uriTemplate, uri));
    return template ? audienceOf(template) : "both";
  };
}

type Annotated = { annotations?: { audience?: unknown } | undefined };
type Listing = { resources: (Annotated & { uri: string })[]; templates: (Annotated & { uriTemplate: string })[] };

async function listingOf(
  pool: ServerPool,
  server: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Listing> {
  const [listed, templates] = await Promise.all([
    listResources(pool, server, timeoutMs, [server], signal).catch((error: unknown) => {
      if (signal?.aborted) throw error;
      return { resources: [] };
    }),
    listResourceTemplates(pool, [server], timeoutMs, signal),
  ]);
  return { resources: listed.resources.map((r) => r.resource), templates: templates.map((t) => t.template) };
}

function matches(template: string, uri: string): boolean {
  try {
    return new UriTemplate(template).match(uri) !== null;
  } catch {
    return false;
  }
}
