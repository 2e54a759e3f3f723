// Where an HTTP request comes from. Behind a reverse proxy every connection is the proxy's, so per-address caps
// (a shared token's sessions and listen streams) and the log's "from" would lump every client together; with the
// proxies named as trusted, the address is read from X-Forwarded-For instead: the nearest hop not trusted, so a
// client cannot choose its own address by sending the header itself. Pure: no request is made.
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import proxyaddr from "proxy-addr";

/** The client address of a request, as the server counts and logs it. */
export type AddressOf = (req: IncomingMessage) => string | undefined;

/** The connection's peer: the client, or the proxy it came through. */
export const peerAddress: AddressOf = (req) => req.socket.remoteAddress;

/** Words a trusted-proxy list may hold besides addresses and CIDR ranges, each a set of ranges. */
export const PROXY_RANGE_NAMES = ["loopback", "linklocal", "uniquelocal"] as const;

/** What one trusted-proxy entry may be, for error messages and --help. */
export const TRUST_PROXY_EXPECTS = `an IP address, a CIDR range (10.0.0.0/8) or ${PROXY_RANGE_NAMES.join(", ")}`;

/** Why `entries` is not a trusted-proxy list, naming the first bad entry; undefined when it is one. */
export function trustProxyProblem(entries: readonly string[]): string | undefined {
  for (const entry of entries) {
    try {
      proxyaddr.compile(entry.trim());
    } catch {
      return `"${entry}" is not ${TRUST_PROXY_EXPECTS}`;
    }
  }
  return undefined;
}

/**
 * What the log says when a trusted proxy sends a request without X-Forwarded-For: a proxy not configured to send it
 * (nginx without `proxy_set_header X-Forwarded-For`) leaves every client behind it counted as the proxy, and the
 * shared token's stream and session caps, which it fills for all of them, say nothing of why.
 */
export function unforwardedWarning(proxy: string, trustProxy: string): string {
  return `a request came from ${proxy}, a proxy trusted by ${trustProxy}, with no X-Forwarded-For: its client is counted and logged as ${proxy}, like every client the proxy forwards so; have the proxy send the header (nginx: proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;), unless this was a direct call from the proxy's host (said once)`;
}

/** The trusted proxies compiled for proxy-addr; undefined when there are none. */
function compiledTrust(trustProxy: readonly string[] | undefined) {
  const entries = (trustProxy ?? []).map((entry) => entry.trim());
  return entries.length === 0 ? undefined : proxyaddr.compile(entries);
}

/** Whether a connection's peer is one of the trusted proxies (none when the list is empty). */
export function trustedPeer(trustProxy: readonly string[] | undefined): (address: string) => boolean {
  const trusted = compiledTrust(trustProxy);
  return trusted ? (address) => trusted(address, 0) : () => false;
}

/**
 * How to find a request's client address: with no trusted proxies, the connection's peer; else the address the
 * nearest untrusted hop is known by (X-Forwarded-For read from the right, while each hop is trusted). A forwarded
 * value that is not an IP address (one with a port, say) is not believed: the proxy's own address stands. Everything
 * inside a trusted range counts as a proxy, so a client there can name any address: trust the proxies' own
 * addresses only. `trustProxy` is checked first (trustProxyProblem; serveHttp does). `onUnforwarded` hears of each
 * request from a trusted peer without X-Forwarded-For.
 */
export function clientAddressOf(
  trustProxy: readonly string[] | undefined,
  onUnforwarded?: (proxy: string) => void,
): AddressOf {
  const trusted = compiledTrust(trustProxy);
  if (!trusted) return peerAddress;
  return (req) => {
    const peer = req.socket.remoteAddress;
    if (peer === undefined) return undefined;
    if (req.headers["x-forwarded-for"] === undefined && trusted(peer, 0)) onUnforwarded?.(peer);
    const address = proxyaddr(req, trusted);
    return isIP(address) ? address : peer;
  };
}
