import { describe, expect, it } from "vitest";
import { hostOf, resourceCallReach, resourceServersOffered } from "../src/remote-reach.js";

const remote = new Map([
  ["team", "mcp.team.example:8443"],
  ["wiki", "wiki.example"],
]);

describe("hostOf", () => {
  it.each([
    ["https://mcp.team.example:8443/mcp", "mcp.team.example:8443"],
    ["wss://user:pw@h.example/ws", "h.example"],
    ["http://[::1]:9/mcp", "[::1]:9"],
    ["not a url", "not a url"],
  ])("%s → %s", (url, host) => {
    expect(hostOf(url)).toBe(host);
  });
});

describe("resourceServersOffered: which servers the agent's resource tools reach", () => {
  it.each([
    [["db", "team", "wiki"], true, { offered: ["db"], withheld: ["team", "wiki"] }],
    [["db", "team"], false, { offered: ["db", "team"], withheld: [] }],
    [["team"], true, { offered: [], withheld: ["team"] }],
    [[], true, { offered: [], withheld: [] }],
  ])("%j, read-only %s", (offering, readOnly, verdict) => {
    expect(resourceServersOffered(offering, remote, readOnly)).toEqual(verdict);
  });
});

describe("resourceCallReach: the remote servers a resource tool call sends to", () => {
  const offered = ["db", "team", "wiki"];
  it.each([
    [
      "mcp__read_resource",
      { server: "team", uri: "x://?d=secret" },
      [{ server: "team", host: "mcp.team.example:8443" }],
    ],
    ["mcp__read_resource", { server: "db", uri: "sqlite://schema" }, []],
    ["mcp__read_resource", { uri: "x://y" }, []],
    ["mcp__read_resource", { server: 7, uri: "x://y" }, []],
    ["mcp__list_resources", { server: "wiki" }, [{ server: "wiki", host: "wiki.example" }]],
    ["mcp__list_resources", { server: "db" }, []],
    [
      "mcp__list_resources",
      {},
      [
        { server: "team", host: "mcp.team.example:8443" },
        { server: "wiki", host: "wiki.example" },
      ],
    ],
  ])("%s %j", (tool, input, reach) => {
    expect(resourceCallReach(tool, input, offered, remote)).toEqual(reach);
  });
});
