import { describe, expect, it } from "vitest";
import { chooseDatabase } from "../src/bin-database.js";

const REFUSED = { problem: expect.stringMatching(/^no --db given and the working directory is \/ .*pass --db PATH/) };

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
  ])("%j (default %s) from %s", (given, defaulted, cwd, choice) => {
    expect(chooseDatabase(given, defaulted, cwd, "/home/me")).toEqual(choice);
  });
});
