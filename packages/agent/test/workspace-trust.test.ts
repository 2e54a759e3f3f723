import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { realPathOf } from "@mcp-toolkit/core";
import { afterAll, describe, expect, it } from "vitest";
import { hiddenFromFileTools, pathBelow } from "../src/workspace-trust.js";

describe("pathBelow", () => {
  it.each([
    ["/ws/mcp.json", "mcp.json"],
    ["/ws/a/b/c.json", "a/b/c.json"],
    ["/ws/..mcp.json", "..mcp.json"],
    ["/ws", undefined],
    ["/ws-other/mcp.json", undefined],
    ["/mcp.json", undefined],
    ["/w", undefined],
  ])("%s in /ws → %s", (path, expected) => {
    expect(pathBelow("/ws", path)).toBe(expected);
  });
});

describe("hiddenFromFileTools", () => {
  it.each([
    ["the default audit file", ["/ws/.agent/audit.jsonl"], [".agent"]],
    ["an audit file elsewhere under .agent", ["/ws/.agent/runs/today.jsonl"], [".agent"]],
    ["an audit file elsewhere in the workspace", ["/ws/logs/audit.jsonl"], [".agent", "logs/audit.jsonl"]],
    ["an audit file outside the workspace", ["/var/log/agent.jsonl"], [".agent"]],
    ["an audit file in a sibling with the workspace's name as prefix", ["/ws-other/audit.jsonl"], [".agent"]],
    ["./mcp.json with the workspace as cwd", ["/ws/.agent/audit.jsonl", "/ws/mcp.json"], [".agent", "mcp.json"]],
    ["the same file twice", ["/ws/mcp.json", "/ws/mcp.json"], [".agent", "mcp.json"]],
    ["the workspace itself", ["/ws"], [".agent"]],
  ])("%s", (_case, files, expected) => {
    expect(hiddenFromFileTools("/ws", files)).toEqual(expected);
  });
});

describe("realPathOf", () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "agent-realpath-")));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "real"));
  symlinkSync(join(dir, "real"), join(dir, "link"));
  symlinkSync(join(dir, "real", "not-yet.json"), join(dir, "dangling.json"));
  symlinkSync("loop-b", join(dir, "loop-a"));
  symlinkSync("loop-a", join(dir, "loop-b"));

  it.each([
    ["an existing folder through a symlink", "link", "real"],
    ["a file not created yet, below a symlink", "link/new/mcp.json", "real/new/mcp.json"],
    ["a dangling symlink: where a write would land", "dangling.json", "real/not-yet.json"],
    ["a path that does not exist at all", "none/x.json", "none/x.json"],
  ])("%s", (_case, path, expected) => {
    expect(realPathOf(join(dir, path))).toBe(join(dir, expected));
  });

  it("gives up on a symlink loop without hanging", () => {
    expect(realPathOf(join(dir, "loop-a", "x"))).toMatch(/loop-[ab]\/x$/);
  });
});
