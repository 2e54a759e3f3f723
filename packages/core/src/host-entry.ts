// Settings that take host[:port] meet IPv6's colons: `::1:8080`, meant as ::1 on port 8080, is itself an IPv6 address
// (0:0:0:0:0:0:1:8080), so it was taken as one and matched nothing, leaving the user to wonder why their port was
// refused. Such an entry is refused at start-up with the bracketed spelling instead. Pure: no lookup is made.
import { isIPv6 } from "node:net";

/** An unbracketed entry read as an IPv6 address followed by `:port`. */
export interface Ipv6PortSlip {
  /** The address before the last colon, and the digits after it. */
  address: string;
  port: string;
  /** The whole entry is an IPv6 address too (`::1:8080`), not only malformed (`::1:41731`): either reading fits. */
  ambiguous: boolean;
}

/**
 * The entry as an IPv6 address with a port written outside brackets, or undefined when it is not one: a plain IPv6
 * address (`::1`, `fe80::1`, `2001:db8::1`), a bracketed one (`[::1]:8080`), a name, or IPv4 with a port.
 */
export function ipv6PortSlip(entry: string): Ipv6PortSlip | undefined {
  const text = entry.trim();
  const match = /^(.+):(\d+)$/.exec(text);
  const address = match?.[1] ?? "";
  // What is left must be an address by itself: in "fe80::1" the part before ":1" is "fe80:", no address at all.
  if (!match || !isIPv6(address)) return undefined;
  return { address, port: match[2] ?? "", ambiguous: isIPv6(text) };
}

/** Why `entries` (allowed Host names, their ports never compared) is not a list of hosts, naming the first bad one. */
export function allowedHostsProblem(entries: readonly string[]): string | undefined {
  for (const entry of entries) {
    const slip = ipv6PortSlip(entry);
    if (!slip) continue;
    const { address, port } = slip;
    const fix = `write ${address} (a Host's port is not compared)`;
    return slip.ambiguous
      ? `"${entry}" could be the IPv6 address ${entry.trim()} or ${address} with port ${port}: ${fix}, or [${entry.trim()}] for the address`
      : `"${entry}" is the IPv6 address ${address} with port ${port}: ${fix}`;
  }
  return undefined;
}
