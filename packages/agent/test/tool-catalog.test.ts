import { describe, expect, it } from "vitest";
import type { ServerTool } from "../src/servers.js";
import { ToolCatalog } from "../src/tool-catalog.js";

const tool = (server: string, name: string, readOnly = true, size = 10, openWorld = false): ServerTool => ({
  server,
  name,
  description: "d".repeat(size),
  inputSchema: { type: "object", properties: {} },
  annotations: { readOnlyHint: readOnly, openWorldHint: openWorld },
});
const all = { readOnly: false, ask: false };
const builtin = new Set(["file", "db", "api"]);
const lean = [tool("file", "read_file"), tool("db", "execute_write", false), tool("api", "http_get", true, 10, true)];
const nameOf = (t: object) => (t as { name: string }).name;
const many = Array.from({ length: 60 }, (_, i) => tool("big", `t${i}`, true, 1000));

describe("ToolCatalog", () => {
  it("offers the lean built-in set directly, with one cache breakpoint on the last tool", () => {
    const tools = new ToolCatalog(lean, all, { builtin, toolSearch: "auto" }).apiTools();
    expect(tools.map(nameOf)).toEqual(["file__read_file", "db__execute_write", "api__http_get"]);
    expect(tools.map((t) => ("cache_control" in t ? t.cache_control : undefined))).toEqual([
      undefined,
      undefined,
      { type: "ephemeral" },
    ]);
    expect(JSON.stringify(tools)).not.toContain("defer_loading");
  });

  it.each([
    ["auto with a large config-added set", "auto", many, true],
    ["auto with a small config-added set", "auto", many.slice(0, 3), false],
    ["on", "on", many.slice(0, 3), true],
    ["off", "off", many, false],
  ] as const)("tool search %s: deferred %s", (_label, mode, extra, deferred) => {
    const catalog = new ToolCatalog([...lean, ...extra], all, { builtin, toolSearch: mode });
    const tools = catalog.apiTools();
    expect(catalog.usesToolSearch).toBe(deferred);
    const bm25 = tools.find((t) => nameOf(t) === "tool_search_tool_bm25");
    expect(bm25 !== undefined).toBe(deferred);
    for (const t of tools) {
      const isDeferred = "defer_loading" in t && t.defer_loading === true;
      expect(isDeferred).toBe(deferred && nameOf(t).startsWith("big__"));
      // The cached prefix never ends on a deferred tool.
      if ("cache_control" in t && t.cache_control) expect(isDeferred).toBe(false);
    }
  });

  it("drops tools that are not read-only in read-only mode and maps names back", () => {
    const readOnly = { readOnly: true, ask: false };
    const catalog = new ToolCatalog(lean, readOnly, { builtin, toolSearch: "auto", fenced: new Set(["api"]) });
    expect(catalog.entries.map((e) => e.apiName)).toEqual(["file__read_file", "api__http_get"]);
    expect(catalog.get("api__http_get")).toMatchObject({ server: "api", tool: "http_get" });
    expect(catalog.get("db__execute_write")).toBeUndefined();
    expect(catalog.withheld).toEqual([]);
    // Without --allow-hosts, the GET that could carry data away is withheld, and named as such.
    const unfenced = new ToolCatalog(lean, readOnly, { builtin, toolSearch: "auto" });
    expect(unfenced.entries.map((e) => e.apiName)).toEqual(["file__read_file"]);
    expect(unfenced.withheld).toEqual(["api__http_get"]);
  });

  it("marks, under --ask, the calls that need a yes and those that can leave the machine", () => {
    const catalog = new ToolCatalog(lean, { readOnly: false, ask: true }, { builtin, toolSearch: "auto" });
    expect(catalog.entries.map((e) => [e.apiName, e.asks, e.leavesMachine])).toEqual([
      ["file__read_file", false, false],
      ["db__execute_write", true, false],
      ["api__http_get", true, true],
    ]);
  });

  it("withholds every tool of a remote server under --read-only, naming the server once, and asks under --ask", () => {
    const remote = new Map([["team", "team.example:8443"]]);
    const tools = [...lean, tool("team", "execute_query"), tool("team", "describe")];
    const readOnly = new ToolCatalog(tools, { readOnly: true, ask: false }, { builtin, toolSearch: "auto", remote });
    expect(readOnly.entries.map((e) => e.apiName)).toEqual(["file__read_file"]);
    expect(readOnly.withheldRemote).toEqual(["team"]);
    expect(readOnly.withheld).toEqual(["api__http_get"]);
    const ask = new ToolCatalog(tools, { readOnly: false, ask: true }, { builtin, toolSearch: "auto", remote });
    expect(ask.get("team__execute_query")).toMatchObject({
      asks: true,
      leavesMachine: true,
      remoteHost: "team.example:8443",
    });
    expect(ask.get("file__read_file")).toMatchObject({ asks: false, remoteHost: undefined });
  });
});
