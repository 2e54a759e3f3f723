// How URLs spell hosts and ports, normalised so the policy, the pool's keys and the credentials compare one host as one.
import { isIP } from "node:net";

/** The effective port of an http(s) URL. */
export function effectivePort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

/** A hostname without IPv6 brackets or a trailing dot, lower-cased. */
export function bareHost(hostname: string): string {
  const h = hostname.toLowerCase();
  const unbracketed = h.startsWith("[") && h.endsWith("]") ? h.slice(1, -1) : h;
  return unbracketed.endsWith(".") ? unbracketed.slice(0, -1) : unbracketed;
}

/** A host as a URL writes it: a bare IPv6 address (`::1`) in brackets, anything else as it is. */
export function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}
