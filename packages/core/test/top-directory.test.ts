import { describe, expect, it } from "vitest";
import { topDirectoryProblem } from "../src/top-directory.js";

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
