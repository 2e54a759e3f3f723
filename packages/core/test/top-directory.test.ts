import { describe, expect, it } from "vitest";
import { pathFromSetting, topDirectoryProblem } from "../src/top-directory.js";

const ROOT = { flag: "--root DIR (MCP_WORKSPACE)", names: "the folder to serve" };

describe("topDirectoryProblem", () => {
  // [working directory, refused]
  it.each<[string, boolean]>([
    ["/", true],
    ["/home/me/project", false],
    ["/srv", false],
    ["/workspace", false],
  ])("%s: refused %s", (cwd, refused) => {
    expect(topDirectoryProblem(cwd, ROOT) !== undefined).toBe(refused);
  });

  it("names the flag, its variable and what it names, in one line", () => {
    expect(topDirectoryProblem("/", { flag: "--db PATH (MCP_SQLITE_DB)", names: "the database file" })).toBe(
      "no --db given and the working directory is / (Claude Desktop starts servers there); pass --db PATH (MCP_SQLITE_DB) naming the database file",
    );
  });
});

describe("pathFromSetting", () => {
  const DB = "--db PATH (MCP_SQLITE_DB)";
  const relative = (given: string, resolved: string) => ({
    problem: `--db ${given} is a relative path and the working directory is / (Claude Desktop starts servers there), so it would name ${resolved}; give ${DB} as an absolute path`,
  });
  // The braced form, spelt so that it is not read as a template placeholder.
  const BRACED = `$${"{"}HOME}`;
  const variable = (given: string, name: string) => ({
    problem: `--db ${given} starts with ${name}, which nothing expands (a client's config is not read by a shell); give ${DB} as an absolute path, or ~/… for your home folder (./${given} for a folder really named so)`,
  });
  // [value, working directory, the path or the problem]
  it.each<[string, string, unknown]>([
    ["/srv/data.db", "/", { path: "/srv/data.db" }],
    ["data.db", "/home/me/project", { path: "/home/me/project/data.db" }],
    ["../data.db", "/home/me/project", { path: "/home/me/data.db" }],
    // A client's config has no shell: ~ is the home's, wherever the server starts.
    ["~/mcp/data.db", "/", { path: "/home/me/mcp/data.db" }],
    ["~", "/srv", { path: "/home/me" }],
    ["/x/~/data.db", "/", { path: "/x/~/data.db" }],
    // Relative to /, where Claude Desktop starts servers: a file at the top of the disk, never what was meant.
    ["workspace/data.db", "/", relative("workspace/data.db", "/workspace/data.db")],
    ["./data.db", "/", relative("./data.db", "/data.db")],
    ["~user/data.db", "/", relative("~user/data.db", "/~user/data.db")],
    // Nor does anything expand a variable: refused wherever the server starts, where it would make a folder `$HOME`.
    ["$HOME/data.db", "/home/me/project", variable("$HOME/data.db", "$HOME")],
    [`${BRACED}/mcp/data.db`, "/", variable(`${BRACED}/mcp/data.db`, BRACED)],
    ["./$HOME/data.db", "/srv", { path: "/srv/$HOME/data.db" }],
    ["/srv/$x.db", "/", { path: "/srv/$x.db" }],
  ])("%j from %s", (given, cwd, expected) => {
    expect(pathFromSetting(given, DB, cwd, "/home/me")).toEqual(expected);
  });

  it("leaves ~ as it is when no home is known, and so refuses it in /", () => {
    expect(pathFromSetting("~/data.db", DB, "/", "")).toEqual(relative("~/data.db", "/~/data.db"));
  });
});
