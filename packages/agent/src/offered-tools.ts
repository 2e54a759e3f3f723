import type { AgentConfig } from "./config.js";
import { fencedServers, remoteServers, resourceServersOffered } from "./remote-reach.js";
import type { Renderer } from "./render.js";
import type { ServerPool } from "./servers.js";
import { ToolCatalog } from "./tool-catalog.js";

/** The tools the model is offered, after --read-only; says which were withheld and how to get them back. */
export function offeredTools(config: AgentConfig, pool: ServerPool, renderer: Renderer): ToolCatalog {
  const fenced = fencedServers(config);
  const remote = remoteServers(config);
  const catalog = new ToolCatalog(
    pool.tools,
    { readOnly: config.readOnly, ask: config.ask },
    {
      builtin: new Set(config.servers.filter((s) => s.builtin).map((s) => s.name)),
      toolSearch: config.toolSearch,
      fenced,
      remote,
    },
  );
  const resources = resourceServersOffered(pool.offering("resources"), remote, config.readOnly);
  catalog.resourceServers = resources.offered;
  for (const server of new Set([...catalog.withheldRemote, ...resources.withheld])) {
    const tools = catalog.withheldRemote.includes(server);
    const what = tools && resources.withheld.includes(server) ? "tools and resources" : tools ? "tools" : "resources";
    renderer.notice(
      `--read-only: ${server}'s ${what} not offered: ${server} is a remote server (${remote.get(server)}), so every call sends its arguments off this machine`,
    );
  }
  if (catalog.withheld.length > 0) {
    const hint = catalog.withheld.some((name) => name.startsWith("api__") && !fenced.has("api"))
      ? "; --allow-hosts HOST,… offers the api server's tools for those hosts only"
      : "";
    renderer.notice(
      `--read-only: ${catalog.withheld.join(", ")} not offered: they can send data off this machine${hint}`,
    );
  }
  return catalog;
}
