// A folder the server's user may pass through and write in but not list (mode 311; a drop folder of 733): the kernel
// lets it make, replace, rename and remove names there, and only a listing is refused. Root passes every permission
// check, so as root each call runs as nobody (the server is in-process).
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, type TestContext } from "vitest";
import { asNobodyIfRoot, connect, tempDir, textOf } from "./helpers.js";

const asRoot = process.getuid?.() === 0;

describe("tools in a folder the server's user may pass through but not list", () => {
  const ws = tempDir();
  const drop = path.join(ws.dir, "drop");
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    s = await connect({ root: ws.dir });
  });
  beforeEach(() => {
    if (existsSync(drop)) chmodSync(drop, 0o755);
    ws.cleanup();
    mkdirSync(drop, { recursive: true });
    writeFileSync(path.join(drop, "a.txt"), "one\n");
    if (asRoot) for (const p of [ws.dir, drop, path.join(drop, "a.txt")]) chownSync(p, 65534, 65534);
    chmodSync(drop, 0o311);
  });
  afterAll(async () => {
    await s.close();
    chmodSync(drop, 0o755);
    ws.cleanup();
  });
  const call = async (ctx: TestContext, tool: string, args: Record<string, unknown>) => {
    // O_PATH, which holds such a folder without opening it to be listed, is Linux's.
    if (process.platform !== "linux") ctx.skip("only Linux's O_PATH holds a folder that may not be listed");
    return asNobodyIfRoot(() => s.call(tool, args));
  };
  const inDrop = (name: string) => {
    chmodSync(drop, 0o755);
    try {
      return existsSync(path.join(drop, name)) ? readFileSync(path.join(drop, name), "utf8") : undefined;
    } finally {
      chmodSync(drop, 0o311);
    }
  };

  it.for([
    ["write_file", { path: "drop/new.txt", content: "new" }, "new.txt", "new"],
    ["write_file", { path: "drop/a.txt", content: "two\n" }, "a.txt", "two\n"],
    ["write_file", { path: "drop/deep/er.txt", content: "x" }, "deep/er.txt", "x"],
    ["edit_file", { path: "drop/a.txt", edits: [{ oldText: "one", newText: "1" }] }, "a.txt", "1\n"],
    ["move_file", { source: "drop/a.txt", destination: "drop/b.txt" }, "b.txt", "one\n"],
    ["delete_file", { path: "drop/a.txt" }, "a.txt", undefined],
  ] as const)("%s %o does what the kernel allows", async ([tool, args, name, content], ctx) => {
    const result = await call(ctx, tool, args);
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(inDrop(name)).toBe(content);
  });

  it("create_directory makes a folder there, and finds one that is there", async (ctx) => {
    for (const p of ["drop/made", "drop/made"]) {
      const result = await call(ctx, "create_directory", { path: p });
      expect(result.isError, textOf(result)).toBeFalsy();
    }
    chmodSync(drop, 0o755);
    expect(existsSync(path.join(drop, "made"))).toBe(true);
    chmodSync(drop, 0o311);
  });

  it.for([
    ["list_directory", { path: "drop" }],
    ["directory_tree", { path: "drop" }],
    ["search_files", { path: "drop", pattern: "*" }],
  ] as const)("%s refuses to list it, saying that names in it can still be reached", async ([tool, args], ctx) => {
    const result = await call(ctx, tool, args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      `${tool} failed: "drop": a folder the server's user may pass through but not list (permissions 311), so list_directory, directory_tree and search_files cannot show what is in it; a name in it that you know is read, written and described as anywhere else: ask the user for the names, or to grant read (r) permission on the folder`,
    );
  });

  it("still says permission denied for a folder it may not pass through either", async (ctx) => {
    chmodSync(drop, 0o000);
    try {
      const listed = await call(ctx, "list_directory", { path: "drop" });
      expect(textOf(listed)).toMatch(/^list_directory failed: "drop": permission denied: /);
      const written = await call(ctx, "write_file", { path: "drop/new.txt", content: "new" });
      expect(textOf(written)).toMatch(/^write_file failed: "drop\/new.txt": permission denied: /);
    } finally {
      chmodSync(drop, 0o311);
    }
  });
});
