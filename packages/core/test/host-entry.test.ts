// IPv6 entries in host[:port] settings: which are a port written outside brackets. Pure: nothing is looked up.
import { describe, expect, it } from "vitest";
import { allowedHostsProblem, ipv6PortSlip } from "../src/host-entry.js";

describe("ipv6PortSlip", () => {
  it.each<[string, ReturnType<typeof ipv6PortSlip>]>([
    // Either reading fits: the whole entry is an address too.
    ["::1:8080", { address: "::1", port: "8080", ambiguous: true }],
    [" ::1:80 ", { address: "::1", port: "80", ambiguous: true }],
    ["fe80::1:443", { address: "fe80::1", port: "443", ambiguous: true }],
    ["2001:db8::1:8443", { address: "2001:db8::1", port: "8443", ambiguous: true }],
    ["::ffff:127.0.0.1:8080", { address: "::ffff:127.0.0.1", port: "8080", ambiguous: false }],
    // A port of five digits is no IPv6 group: only the port reading fits.
    ["::1:41731", { address: "::1", port: "41731", ambiguous: false }],
    ["0:0:0:0:0:0:0:1:8080", { address: "0:0:0:0:0:0:0:1", port: "8080", ambiguous: false }],
    // Real addresses, bracketed ones, names and IPv4: nothing to refuse.
    ["::1", undefined],
    ["::", undefined],
    ["fe80::1", undefined],
    ["2001:db8::1", undefined],
    ["1::8080", undefined],
    ["::8080", undefined],
    ["1:2:3:4:5:6:7:8", undefined],
    ["::ffff:127.0.0.1", undefined],
    ["[::1]:8080", undefined],
    ["[::1:8080]", undefined],
    ["[::1]", undefined],
    ["127.0.0.1:8080", undefined],
    ["10.0.0.1:80:80", undefined],
    ["api.example.com:8443", undefined],
    ["*.example.com", undefined],
    ["::1:", undefined],
    ["::1:80a", undefined],
    [":8080", undefined],
    ["", undefined],
  ])("%j → %j", (entry, slip) => {
    expect(ipv6PortSlip(entry)).toEqual(slip);
  });
});

describe("allowedHostsProblem", () => {
  it.each<[string[], string | undefined]>([
    [[], undefined],
    [["mcp.example.com", "::1", "[::1]:8080", "fe80::1", "2001:db8::1", "localhost:3000"], undefined],
    [
      ["mcp.example.com", "::1:8080"],
      `"::1:8080" could be the IPv6 address ::1:8080 or ::1 with port 8080: write ::1 (a Host's port is not compared), or [::1:8080] for the address`,
    ],
    [["::1:41731"], `"::1:41731" is the IPv6 address ::1 with port 41731: write ::1 (a Host's port is not compared)`],
  ])("%j → %j", (entries, problem) => {
    expect(allowedHostsProblem(entries)).toBe(problem);
  });
});
