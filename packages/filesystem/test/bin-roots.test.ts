import { describe, expect, it } from "vitest";
import { chooseHidden, chooseRoots, rootsLine } from "../src/bin-roots.js";

const REFUSED = expect.objectContaining({ problem: expect.stringMatching(/^no --root given .*pass --root DIR/) });

const RELATIVE = (given: string, resolved: string) => ({
  problem: `--root ${given} is a relative path and the working directory is / (Claude Desktop starts servers there), so it would name ${resolved}; give --root DIR (MCP_WORKSPACE) as an absolute path`,
});

const EMPTY = { problem: '--root "" is empty: give --root DIR (MCP_WORKSPACE) naming the folder to serve' };

describe("chooseRoots", () => {
  // [--root values, working directory, the choice]
  it.each<[string[], string, unknown]>([
    [[], "/home/me/project", { roots: ["/home/me/project/workspace"], defaulted: true }],
    [[], "/srv", { roots: ["/srv/workspace"], defaulted: true }],
    [[], "/", REFUSED],
    [["/data"], "/", { roots: ["/data"], defaulted: false }],
    [["."], "/home/me", { roots: ["."], defaulted: false }],
    // Claude Desktop starts servers in /: a relative root there names a folder at the top of the disk, or all of it.
    [["."], "/", RELATIVE(".", "/")],
    [["/data", "mcp-workspace"], "/", RELATIVE("mcp-workspace", "/mcp-workspace")],
    [["a", "/b"], "/home/me", { roots: ["a", "/b"], defaulted: false }],
    // A client's config is not read by a shell: ~ is expanded here.
    [["~/proj", "~", "/x/~"], "/", { roots: ["/home/me/proj", "/home/me", "/x/~"], defaulted: false }],
    // Resolved, an empty root would be the working directory: refused, however many others there are.
    [[""], "/home/me", EMPTY],
    [["/data", ""], "/", EMPTY],
  ])("%j from %s", (given, cwd, choice) => {
    expect(chooseRoots(given, cwd, "/home/me")).toEqual(choice);
  });

  it("says why in one line, naming Claude Desktop", () => {
    const choice = chooseRoots([], "/", "/home/me");
    expect("problem" in choice && choice.problem).toBe(
      "no --root given and the working directory is / (Claude Desktop starts servers there); pass --root DIR (MCP_WORKSPACE) naming the folder to serve",
    );
  });
});

describe("chooseHidden", () => {
  // [--hide value, roots, the entry or the problem]: ~ is home's, as in --root, and made relative to its root
  it.each<[string, string[], unknown]>([
    ["~/.ssh", ["~", "/home/me"], { entry: ".ssh" }],
    ["~/.ssh", ["/home/me"], { entry: ".ssh" }],
    ["~/proj/.env", ["/srv", "/home/me/proj"], { entry: ".env" }],
    ["~/proj/.env", ["proj"], { entry: ".env" }],
    ["~", ["/home/me"], { entry: "." }],
    ["~/..dots", ["/home/me"], { entry: "..dots" }],
    [".agent", ["/srv"], { entry: ".agent" }],
    ["~user/x", ["/srv"], { entry: "~user/x" }],
    ["./~/x", ["/srv"], { entry: "./~/x" }],
    [
      "~/.ssh",
      ["/srv", "/home/me-too"],
      { problem: "/home/me/.ssh is in none of the roots (/srv, /home/me-too); give a path below a root" },
    ],
  ])("%j with roots %j", (entry, roots, chosen) => {
    expect(
      chooseHidden(
        entry,
        roots.map((r) => (r === "~" ? "/home/me" : r)),
        "/home/me",
        "/home/me",
      ),
    ).toEqual(chosen);
  });
});

describe("rootsLine", () => {
  it.each<[string[], boolean, boolean, string]>([
    [
      ["/x/workspace"],
      true,
      true,
      "roots: /x/workspace (default: ./workspace, created; removed if a client's roots replace it, or at exit, while it is still empty)",
    ],
    [["/x/workspace"], true, false, "roots: /x/workspace (default: ./workspace)"],
    [["/a", "/b"], false, false, "roots: /a, /b"],
  ])("%j, default %s, created %s → %s", (roots, defaulted, created, line) => {
    expect(rootsLine(roots, defaulted, created)).toBe(line);
  });
});
