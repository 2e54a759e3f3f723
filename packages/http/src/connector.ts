import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type Socket } from "node:net";
import type { buildConnector } from "undici";
import { bareHost } from "./host-name.js";
import { type AddressPolicy, checkAddress, loopbackAddresses } from "./url-policy.js";

/** Thrown inside the connector: marks a refusal made on the address being dialled. */
export class AddressRefused extends Error {
  override name = "AddressRefused";
  readonly code = "MCP_HTTP_REFUSED";
}

/** The connector: refuse IP literals before dialling, names in the DNS lookup, and re-check the connected peer. */
export function guardedConnector(
  build: typeof buildConnector,
  policy: AddressPolicy,
  connectTimeoutMs: number,
  lookup: typeof dnsLookup = dnsLookup,
): buildConnector.connector {
  const base = build({
    timeout: connectTimeoutMs,
    lookup: guardedLookup(policy, lookup),
  } as buildConnector.BuildOptions);
  return (opts, callback) => {
    const host = bareHost(opts.hostname);
    if (isIP(host)) {
      const verdict = checkAddress(host, policy);
      if (!verdict.ok) return callback(new AddressRefused(verdict.reason), null);
    }
    base(opts, (error, socket) => {
      if (error || !socket) return callback(error ?? new Error("connect failed"), null);
      const peer = (socket as Socket).remoteAddress;
      const verdict = peer ? checkAddress(peer, policy) : { ok: false as const, reason: "refused: no peer address" };
      if (!verdict.ok) {
        socket.destroy();
        return callback(new AddressRefused(verdict.reason), null);
      }
      callback(null, socket);
    });
  };
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * dns.lookup with every resolved address checked before the socket may use any of them. localhost and *.localhost
 * are answered as loopback without asking DNS (which may not know a *.localhost name at all).
 */
export function guardedLookup(policy: AddressPolicy, lookup: typeof dnsLookup) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void => {
    const loopback = loopbackAddresses(hostname, options.family);
    const resolve = (done: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) =>
      loopback ? done(null, loopback) : lookup(hostname, { ...options, all: true }, done);
    resolve((error, addresses) => {
      if (error) return callback(error, []);
      for (const { address } of addresses) {
        const verdict = checkAddress(address, policy);
        if (!verdict.ok) {
          const why = verdict.reason.replace(/^refused: \S+ is /, "");
          return callback(new AddressRefused(`refused: ${hostname} resolves to ${address}, ${why}`), []);
        }
      }
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no addresses for ${hostname}`), { code: "ENOTFOUND" }), []);
      if (options.all) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}
