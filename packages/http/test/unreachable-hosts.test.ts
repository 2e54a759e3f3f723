import { flagNames } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import { type UnreachableHost, unreachableHosts, unreachableHostsWarning } from "../src/unreachable-hosts.js";
import type { UrlPolicy } from "../src/url-policy.js";

const none = { allowPrivate: false, allowLoopback: false };
const loopback = { allowPrivate: false, allowLoopback: true };
const all = { allowPrivate: true, allowLoopback: false };

describe("unreachableHosts", () => {
  it.each<[string, Omit<UrlPolicy, "allowHosts">, UnreachableHost["opener"] | "reachable"]>([
    ["10.0.0.5", none, "allowPrivate"],
    ["localhost:3000", none, "allowLoopback"],
    ["LocalHost.", none, "allowLoopback"],
    ["api.localhost", none, "allowLoopback"],
    ["*.localhost", none, "allowLoopback"],
    ["[::1]:8080", none, "allowLoopback"],
    ["::1", none, "allowLoopback"],
    ["127.1", none, "allowLoopback"],
    ["[::ffff:127.0.0.1]", none, "allowLoopback"],
    ["192.168.1.2:8443", none, "allowPrivate"],
    ["169.254.169.254", none, "allowPrivate"],
    ["fd00::5", none, "allowPrivate"],
    // Loopback allowed opens this host's own loopback only, never another private range.
    ["10.0.0.5", loopback, "allowPrivate"],
    ["[2002:7f00:1::]:80", loopback, "allowPrivate"],
    ["localhost:3000", loopback, "reachable"],
    ["[::1]:8080", loopback, "reachable"],
    ["10.0.0.5", all, "reachable"],
    ["localhost", all, "reachable"],
    // Classes no setting opens.
    ["0.0.0.0", all, null],
    ["224.0.0.1", all, null],
    // Names and public addresses pass here: what a name resolves to is checked at lookup.
    ["api.example.com", none, "reachable"],
    ["*.example.com", none, "reachable"],
    ["intranet", none, "reachable"],
    ["93.184.216.34:443", none, "reachable"],
    ["[2606:4700::1111]", none, "reachable"],
  ])("%s with %j: %s", (pattern, policy, expected) => {
    const found = unreachableHosts({ allowHosts: [pattern], ...policy });
    expect(found).toEqual(expected === "reachable" ? [] : [{ pattern, opener: expected }]);
  });

  it("judges nothing when no hosts are listed", () => {
    expect(unreachableHosts({ allowHosts: [], ...none })).toEqual([]);
  });
});

describe("unreachableHostsWarning", () => {
  const allowHosts = ["api.example.com", "10.0.0.5", "localhost:3000", "[::1]:8080", "0.0.0.0"];

  it("names each unreachable host and the setting that opens it, in the library's terms by default", () => {
    expect(unreachableHostsWarning({ allowHosts, ...none })).toBe(
      "allowHosts lists hosts no call can reach under the current address policy (refused, and left out of url completion): localhost:3000, [::1]:8080 need allowLoopback: true; 10.0.0.5 needs allowPrivate: true; 0.0.0.0 is never fetched, whatever the settings",
    );
  });

  it("names the bin's flags through settingNames", () => {
    const settingNames = flagNames({
      "allow-hosts": {
        type: "string",
        multiple: true,
        env: "MCP_HTTP_ALLOW_HOSTS",
        valueName: "PATTERN",
        description: "",
      },
      "allow-private": { type: "boolean", env: "MCP_HTTP_ALLOW_PRIVATE", description: "" },
      "allow-loopback": { type: "boolean", env: "MCP_HTTP_ALLOW_LOOPBACK", description: "" },
    });
    expect(unreachableHostsWarning({ allowHosts: allowHosts.slice(0, 4), ...loopback, settingNames })).toBe(
      "--allow-hosts PATTERN (MCP_HTTP_ALLOW_HOSTS) lists hosts no call can reach under the current address policy (refused, and left out of url completion): 10.0.0.5 needs --allow-private (MCP_HTTP_ALLOW_PRIVATE=1)",
    );
  });

  it.each([
    [[], none],
    [["api.example.com", "*.example.org"], none],
    [allowHosts.slice(0, 4), all],
  ])("says nothing for %j when every host can be reached", (hosts, policy) => {
    expect(unreachableHostsWarning({ allowHosts: hosts, ...policy })).toBeUndefined();
  });
});
