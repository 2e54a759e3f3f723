// Which servers send what they are given off this machine: a server reached by URL gets every call's arguments,
// whatever its tools' annotations say, and so does the agent's own mcp__read_resource aimed at it (the URI is the
// model's to choose). Pure: the configuration and the names come in, the verdicts go out.
import type { AgentConfig } from "./config.js";
import { LIST_RESOURCES } from "./resource-tools.js";

/** Servers whose reach is fenced by --allow-hosts: the built-in api server, when hosts are listed. */
export function fencedServers(config: AgentConfig): Set<string> {
  const api = config.servers.find((s) => s.name === "api" && s.builtin);
  return new Set(api && config.allowHosts.length > 0 ? [api.name] : []);
}

/** Servers reached by URL (http, https, ws, sse), and the host each call's arguments are sent to. */
export function remoteServers(config: AgentConfig): Map<string, string> {
  return new Map(config.servers.flatMap((s) => (s.kind === "http" ? [[s.name, hostOf(s.url)]] : [])));
}

/** A URL's host (with its port), or the text itself when it is not a URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/**
 * The servers the agent's resource tools reach, of those that offer resources: under --read-only none that is
 * remote (`withheld`), since a URI read there goes to that host.
 */
export function resourceServersOffered(
  offering: readonly string[],
  remote: ReadonlyMap<string, string>,
  readOnly: boolean,
): { offered: string[]; withheld: string[] } {
  const withheld = readOnly ? offering.filter((s) => remote.has(s)) : [];
  return { offered: offering.filter((s) => !withheld.includes(s)), withheld };
}

/**
 * The remote servers a resource tool call reaches, with their hosts: the one it names, or for a list of all, every
 * remote one among `offered`. Empty when it stays on this machine.
 */
export function resourceCallReach(
  tool: string,
  input: Record<string, unknown>,
  offered: readonly string[],
  remote: ReadonlyMap<string, string>,
): { server: string; host: string }[] {
  const named = typeof input.server === "string" ? [input.server] : [];
  const servers = named.length === 0 && tool === LIST_RESOURCES ? offered : named;
  return servers.flatMap((server) => {
    const host = remote.get(server);
    return host === undefined ? [] : [{ server, host }];
  });
}
