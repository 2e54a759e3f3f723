// Which address a request is counted and logged by, behind trusted proxies or none. Pure: requests are plain objects
// with a peer address and headers; nothing is dialled.
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientAddressOf, trustProxyProblem } from "../src/client-address.js";

const request = (peer: string | undefined, forwardedFor?: string) =>
  ({
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
  }) as unknown as IncomingMessage;

describe("clientAddressOf", () => {
  it.each<[string, string[] | undefined, string | undefined, string | undefined, string | undefined]>([
    ["no trusted proxies: the peer, whatever the header says", undefined, "127.0.0.1", "203.0.113.7", "127.0.0.1"],
    ["an empty list is none", [], "127.0.0.1", "203.0.113.7", "127.0.0.1"],
    ["a trusted loopback proxy: the client it names", ["loopback"], "127.0.0.1", "203.0.113.7", "203.0.113.7"],
    ["IPv6 loopback is loopback", ["loopback"], "::1", "2001:db8::5", "2001:db8::5"],
    ["an IPv4-mapped peer is its IPv4 address", ["127.0.0.1"], "::ffff:127.0.0.1", "203.0.113.7", "203.0.113.7"],
    ["a trusted proxy without the header: the peer", ["loopback"], "127.0.0.1", undefined, "127.0.0.1"],
    ["an untrusted peer: its own address, the header ignored", ["10.0.0.0/8"], "127.0.0.1", "203.0.113.7", "127.0.0.1"],
    [
      "a chain of trusted proxies: the nearest hop not trusted",
      ["loopback", "10.0.0.0/8"],
      "127.0.0.1",
      "203.0.113.7, 10.1.2.3",
      "203.0.113.7",
    ],
    [
      "an address the client put first itself is not believed",
      ["loopback"],
      "127.0.0.1",
      "198.51.100.1, 203.0.113.7",
      "203.0.113.7",
    ],
    ["a forwarded value that is no address: the proxy's own", ["loopback"], "127.0.0.1", "evil-host", "127.0.0.1"],
    ["a forwarded address with a port is not one", ["loopback"], "127.0.0.1", "203.0.113.5:4444", "127.0.0.1"],
    [
      "a client inside a trusted range counts as a proxy: it names any address (trust proxies' own addresses only)",
      ["loopback"],
      "127.0.0.1",
      "198.51.100.1, 127.0.0.2",
      "198.51.100.1",
    ],
    ["a closed socket has no address", ["loopback"], undefined, "203.0.113.7", undefined],
    ["entries are trimmed", [" loopback "], "127.0.0.1", "203.0.113.7", "203.0.113.7"],
  ])("%s", (_, trust, peer, forwardedFor, expected) => {
    expect(clientAddressOf(trust)(request(peer, forwardedFor))).toBe(expected);
  });
});

describe("clientAddressOf's onUnforwarded", () => {
  it.each<[string, string[] | undefined, string, string | undefined, string[]]>([
    ["a trusted proxy without the header is reported", ["loopback"], "127.0.0.1", undefined, ["127.0.0.1"]],
    ["a trusted proxy with the header is not", ["loopback"], "127.0.0.1", "203.0.113.7", []],
    ["an untrusted peer without it is a client, not a proxy", ["10.0.0.0/8"], "127.0.0.1", undefined, []],
    ["no trusted proxies: nothing to report", undefined, "127.0.0.1", undefined, []],
  ])("%s", (_, trust, peer, forwardedFor, reported) => {
    const heard: string[] = [];
    clientAddressOf(trust, (proxy) => heard.push(proxy))(request(peer, forwardedFor));
    expect(heard).toEqual(reported);
  });
});

describe("trustProxyProblem", () => {
  it.each<[string[], string | undefined]>([
    [["loopback", "linklocal", "uniquelocal"], undefined],
    [["192.0.2.10", "2001:db8::1", "10.0.0.0/8", "fd00::/8"], undefined],
    [
      ["10.0.0.0/33"],
      '"10.0.0.0/33" is not an IP address, a CIDR range (10.0.0.0/8) or loopback, linklocal, uniquelocal',
    ],
    [["localhost"], '"localhost" is not an IP address, a CIDR range (10.0.0.0/8) or loopback, linklocal, uniquelocal'],
    [[""], '"" is not an IP address, a CIDR range (10.0.0.0/8) or loopback, linklocal, uniquelocal'],
  ])("%j → %s", (entries, problem) => {
    expect(trustProxyProblem(entries)).toBe(problem);
  });
});
