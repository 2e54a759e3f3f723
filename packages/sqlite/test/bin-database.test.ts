import { describe, expect, it } from "vitest";
import { chooseDatabase } from "../src/bin-database.js";

const REFUSED = { problem: expect.stringMatching(/^no --db given and the working directory is \/ .*pass --db PATH/) };

const RELATIVE = (given: string, resolved: string) => ({
  problem: `--db ${given} is a relative path and the working directory is / (Claude Desktop starts servers there), so it would name ${resolved}; give --db PATH (MCP_SQLITE_DB) as an absolute path`,
});

describe("chooseDatabase", () => {
  // [--db value, whether it is the default, working directory, the choice]
  it.each<[string, boolean, string, unknown]>([
    ["./workspace/data.db", true, "/home/me/project", { path: "/home/me/project/workspace/data.db" }],
    ["./workspace/data.db", true, "/", REFUSED],
    ["/srv/data.db", false, "/", { path: "/srv/data.db" }],
    ["data.db", false, "/home/me/project", { path: "/home/me/project/data.db" }],
    [":memory:", false, "/", { path: ":memory:" }],
    ["", false, "/home/me", { path: "" }],
    // A client's config is not read by a shell: ~ is expanded here, as --root's is.
    ["~/mcp-workspace/data.db", false, "/", { path: "/home/me/mcp-workspace/data.db" }],
    ["~", false, "/srv", { path: "/home/me" }],
    ["~user/data.db", false, "/srv", { path: "/srv/~user/data.db" }],
    ["/x/~/data.db", false, "/", { path: "/x/~/data.db" }],
    // Relative to /, where Claude Desktop starts servers: a file at the top of the disk, never what was meant.
    ["workspace/data.db", false, "/", RELATIVE("workspace/data.db", "/workspace/data.db")],
    ["data.db", false, "/", RELATIVE("data.db", "/data.db")],
    ["./data.db", false, "/", RELATIVE("./data.db", "/data.db")],
    ["~user/data.db", false, "/", RELATIVE("~user/data.db", "/~user/data.db")],
  ])("%j (default %s) from %s", (given, defaulted, cwd, choice) => {
    expect(chooseDatabase(given, defaulted, cwd, "/home/me")).toEqual(choice);
  });
});
