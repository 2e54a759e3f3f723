import { rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { unreadServersFile } from "../src/config-sources.js";
import type { FlagValues } from "../src/flags.js";
import { resolveConfig } from "../src/resolve-config.js";
import { plant, trustTempDir } from "./fixtures/planted-config.js";

describe("a config file the model could write", () => {
  let dir: string;
  beforeEach(() => {
    dir = trustTempDir();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const TRUST =
    /is inside the workspace .*where the model can write files, so it is not loaded: move it out of the workspace, or pass --trust-workspace-config if you wrote it$/;

  /** Files planted and symlinks made (link → target) in the test's folder; flags and cwd relative to it. */
  interface Case {
    files: string[];
    links?: [link: string, target: string][];
    flags: FlagValues;
    cwd?: string;
    env?: Record<string, string>;
  }
  const arrange = ({ files, links = [], cwd = "." }: Case) => {
    for (const file of files) plant(join(dir, file));
    for (const [link, target] of links) symlinkSync(join(dir, target), join(dir, link));
    return join(dir, cwd);
  };

  it.each<[string, Case]>([
    ["./mcp.json with -w .", { files: ["mcp.json"], flags: { workspace: "." } }],
    ["./mcp.json with MCP_WORKSPACE=.", { files: ["mcp.json"], flags: {}, env: { MCP_WORKSPACE: "." } }],
    [
      "./mcp.json with -w sub/.. (a relative path that comes back)",
      { files: ["mcp.json"], flags: { workspace: "sub/.." } },
    ],
    [
      "./mcp.json in a folder below the workspace (-w ..)",
      { files: ["proj/mcp.json"], flags: { workspace: ".." }, cwd: "proj" },
    ],
    [
      "--config deep inside the workspace",
      { files: ["ws/a/b.json"], flags: { workspace: "ws", config: "ws/a/b.json" } },
    ],
    [
      "--config through a symlink outside that resolves into the workspace",
      {
        files: ["ws/.cache/servers.json"],
        links: [["servers.json", "ws/.cache/servers.json"]],
        flags: { workspace: "ws", config: "servers.json" },
      },
    ],
    [
      "./mcp.json in the real folder of a workspace given as a symlink",
      { files: ["real/mcp.json"], links: [["link", "real"]], flags: { workspace: "../link" }, cwd: "real" },
    ],
    [
      "./mcp.json through a symlinked cwd into the workspace",
      { files: ["ws/mcp.json"], links: [["elsewhere", "ws"]], flags: { workspace: "../ws" }, cwd: "elsewhere" },
    ],
  ])("refuses %s, in one line, before reading it", (_case, c) => {
    const cwd = arrange(c);
    const env = c.env ?? {};
    expect(() => resolveConfig(c.flags, [], env, cwd)).toThrow(TRUST);
    const trusted = resolveConfig({ ...c.flags, "trust-workspace-config": true }, [], env, cwd);
    expect(trusted.servers.map((s) => s.name)).toContain("x");
  });

  it.each<[string, Case]>([
    ["./mcp.json beside the default ./workspace", { files: ["mcp.json"], flags: {} }],
    [
      "a sibling folder whose name starts with the workspace's",
      { files: ["ws-other/mcp.json"], flags: { workspace: "ws", config: "ws-other/mcp.json" } },
    ],
    ["a workspace inside the config's folder", { files: ["mcp.json"], flags: { workspace: "deep/er/ws" } }],
  ])("loads %s", (_case, c) => {
    const cwd = arrange(c);
    expect(resolveConfig(c.flags, [], {}, cwd).servers.map((s) => s.name)).toContain("x");
  });
});

describe("the servers file", () => {
  it.each([[{ config: "/nonexistent/mcp.json" }, /cannot read/]])("rejects %j", (flags, message) => {
    expect(() => resolveConfig(flags, [], {}, "/p")).toThrow(message);
  });
});

describe("--config with ./mcp.json there too", () => {
  let dir: string;
  beforeEach(() => {
    dir = trustTempDir();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("says ./mcp.json is not read, unless --config names that same file", () => {
    for (const file of ["mcp.json", "other.json"]) plant(join(dir, file));
    symlinkSync(join(dir, "mcp.json"), join(dir, "link.json"));
    expect(unreadServersFile("other.json", join(dir, "other.json"), dir)).toBe(
      "./mcp.json is not read, as --config other.json is given (one servers file is read, not both); to use its servers too, copy them into other.json",
    );
    expect(unreadServersFile("mcp.json", join(dir, "mcp.json"), dir)).toBeUndefined();
    expect(unreadServersFile("./link.json", join(dir, "link.json"), dir)).toBeUndefined();
    expect(unreadServersFile(undefined, join(dir, "mcp.json"), dir)).toBeUndefined();
    rmSync(join(dir, "mcp.json"));
    expect(unreadServersFile("other.json", join(dir, "other.json"), dir)).toBeUndefined();
  });
});
